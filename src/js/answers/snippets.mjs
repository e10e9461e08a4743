// Code samples shared by the English and Chinese 'code' answers: code reads the same in
// both, only the prose around it is translated. Each is a whole fenced block, fence lines
// included, written for this project.
const F = '```';

export const PYTHON = `${F}python
import time


class TokenBucket:
    """Allows \`rate\` events per second, with bursts up to \`capacity\`."""

    def __init__(self, rate: float, capacity: int) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = float(capacity)
        self.updated = time.monotonic()

    def allow(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False
${F}`;

export const TYPESCRIPT = `${F}typescript
export class TokenBucket {
  private tokens: number;
  private updated = performance.now();

  constructor(private readonly rate: number, private readonly capacity: number) {
    this.tokens = capacity;
  }

  allow(): boolean {
    const now = performance.now();
    const refill = ((now - this.updated) / 1000) * this.rate;
    this.tokens = Math.min(this.capacity, this.tokens + refill);
    this.updated = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

const bucket = new TokenBucket(5, 10);
console.log(\`first call allowed: \${bucket.allow()}\`);
${F}`;

export const RUST = `${F}rust
use std::time::Instant;

pub struct TokenBucket {
    rate: f64,
    capacity: f64,
    tokens: f64,
    updated: Instant,
}

impl TokenBucket {
    pub fn new(rate: f64, capacity: u32) -> Self {
        Self { rate, capacity: capacity as f64, tokens: capacity as f64, updated: Instant::now() }
    }

    pub fn allow(&mut self) -> bool {
        let now = Instant::now();
        let elapsed = now.duration_since(self.updated).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.rate).min(self.capacity);
        self.updated = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}
${F}`;

export const CPP = `${F}cpp
#include <algorithm>
#include <chrono>

class TokenBucket {
 public:
  TokenBucket(double rate, int capacity)
      : rate_(rate), capacity_(capacity), tokens_(capacity), updated_(Clock::now()) {}

  bool allow() {
    auto now = Clock::now();
    std::chrono::duration<double> elapsed = now - updated_;
    tokens_ = std::min<double>(capacity_, tokens_ + elapsed.count() * rate_);
    updated_ = now;
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

 private:
  using Clock = std::chrono::steady_clock;
  double rate_;
  int capacity_;
  double tokens_;
  Clock::time_point updated_;
};
${F}`;

export const SQL = `${F}sql
CREATE TABLE rate_limits (
    api_key     TEXT PRIMARY KEY,
    rate        REAL    NOT NULL CHECK (rate > 0),
    capacity    INTEGER NOT NULL DEFAULT 10,
    updated_at  TIMESTAMP WITH TIME ZONE DEFAULT now()
);

SELECT api_key, rate * 60 AS per_minute
FROM rate_limits
WHERE capacity > 5
ORDER BY per_minute DESC;
${F}`;

export const JSON_CONFIG = `${F}json
{
  "limits": {
    "default": { "rate": 5, "capacity": 10 },
    "batch": { "rate": 0.5, "capacity": 100 }
  },
  "exempt": ["health-check", "metrics"],
  "log_rejections": true
}
${F}`;

export const BASH = `${F}bash
python -m venv .venv && source .venv/bin/activate
pip install pytest
pytest -q tests/test_bucket.py   # expect: 3 passed
for i in $(seq 1 20); do curl -s -o /dev/null -w "%{http_code}\\n" localhost:8080/api; done | sort | uniq -c
${F}`;

export const DIFF = `${F}diff
--- a/server/handler.py
+++ b/server/handler.py
@@ -12,6 +12,9 @@ def handle(request):
     key = request.headers.get("x-api-key")
+    bucket = buckets.setdefault(key, TokenBucket(rate=5, capacity=10))
+    if not bucket.allow():
+        return Response(status=429, headers={"retry-after": "1"})
     return route(request)
${F}`;
