// The built-in answers in English (names.mjs says what each one is for). Written for this
// project: every sentence and every line of code here is original. Characters that are
// invisible or easy to mangle in an editor (ZWJ, variation selectors, tag characters, bidi
// isolates, zero-width spaces) are written as escapes, so the source says exactly what the
// answer holds. A closing script tag is written <\/script>: the single-file page carries
// this module inside a <script> element, which a bare one would end.
import { EMOJI, RTL_MARKS, INVISIBLES } from './characters.mjs';
import { BASH, CPP, DIFF, JSON_CONFIG, PYTHON, RUST, SQL, TYPESCRIPT } from './snippets.mjs';

const F = '```'; // a fence: a template literal cannot hold three bare backticks

export const markdown = `# Baking your first sourdough loaf

Sourdough looks intimidating, but most of the work is **waiting**. This guide walks through a weekend bake, from waking up the starter to slicing the loaf. If you only read one section, read [Timing the bulk ferment](#timing-the-bulk-ferment).

## What you need

### Ingredients

- 500 g bread flour (about 12% protein)
  - up to 100 g of it can be whole wheat, for a nuttier taste
  - avoid "self-raising" flour: it already holds baking powder
- 350 g water, lukewarm (*roughly* 27 °C)
- 100 g active starter, fed 4 to 8 hours earlier
- 10 g fine salt

### Equipment

1. A large bowl (glass lets you *see* the bubbles)
2. A kitchen scale: cups are too coarse for this
3. A Dutch oven, or:
   1. a baking stone, and
   2. a metal tray for steam, plus
      - a spray bottle
      - oven gloves that reach past the wrist
4. A banneton or a bowl lined with a floured towel

> **Note:** the quantities above give a loaf of about 900 g. To make two, double everything *except* the starter: 150 g is plenty.

## The schedule

| Day | Time | Step |
| --- | --- | --- |
| Friday | 21:00 | Feed the starter |
| Saturday | 09:00 | Mix, rest, add salt |
| Saturday | 10:00 – 14:00 | Stretch and fold |
| Saturday | 15:00 | Shape, then cold proof overnight |
| Sunday | 08:00 | Bake |

## Step by step

### Mixing

Stir the starter into the water until it looks like thin milk, then add the flour. Mix until no dry patches remain; it will be *shaggy*, and that is fine. Cover and wait 45 minutes (bakers call this the \`autolyse\`, though strictly an autolyse leaves the starter out).

### Timing the bulk ferment

The bulk ferment is done when the dough has grown by **about half**, feels airy and jiggles when you shake the bowl. Temperature rules everything:

- at 24 °C, expect 5 to 6 hours
- at 21 °C, expect 7 to 8 hours
- below 18 °C, consider moving the bowl into the oven with only the light on

> A warm kitchen is a fast kitchen.
>
> > Nested quote: "Watch the dough, not the clock" is the oldest advice in the book, and the best.

#### Stretch and fold

Every 30 minutes during the first two hours, wet your hand, grab one side of the dough, stretch it up and fold it over. Turn the bowl a quarter and repeat four times. That is one *set*; do four sets.

- [x] set 1
- [x] set 2
- [ ] set 3
- [ ] set 4

### Shaping

Tip the dough onto an unfloured counter. Use a bench scraper to fold it into a tight round, let it rest 20 minutes, then shape it again into the final form and place it seam side **up** in the banneton.

### Baking

Preheat the oven with the Dutch oven inside to 250 °C for 45 minutes. Score the top with a razor, about 1 cm deep, at a shallow angle.

${F}text
lid on   20 min at 250 °C
lid off  20-25 min at 230 °C, until deep brown
rest     at least 1 hour before cutting
${F}

---

## Troubleshooting

1. **Dense crumb, few holes.** The bulk ferment was probably too short. Give it another hour next time.
2. **Flat loaf that spreads.** Either over-fermented or shaped too loosely. Try a shorter cold proof.
3. **Pale crust.** The oven was not hot enough, or the lid stayed on too long.

Further reading: the baker's percentage is explained well at <https://en.wikipedia.org/wiki/Baker_percentage>, and you can compare notes with others on [r/Sourdough](https://www.reddit.com/r/Sourdough/ "a friendly forum").

Happy baking! ~~Store-bought bread~~ will never taste the same again.
`;

export const code = `Here is the same small task (a token bucket rate limiter) in a few languages, then the table that stores the limits, the configuration and the commands to try it.

## Python

${PYTHON}

## TypeScript

${TYPESCRIPT}

## Rust

${RUST}

## C++

${CPP}

## Storing the limits

${SQL}

The configuration the service reads:

${JSON_CONFIG}

## Running it

${BASH}

And the change that wired it into the handler:

${DIFF}

A fence can hold backticks if it is longer than they are, or uses tildes:

~~~markdown
Use ${F}js to start a JavaScript block, and \`inline code\` for short names.
~~~

An indented block also counts as code, with no language at all:

    $ make test
    all 42 tests passed

Inline code with a backtick inside needs double backticks: \`\` a \`tick\` here \`\`. Names like \`TokenBucket.allow()\`, \`std::min\` and \`Instant::now()\` are inline too.
`;

export const table = `Here are the results, in a few table shapes that renderers often get wrong.

## Alignment

| Model | Context (tokens) | Price per 1M input | Streams reasoning |
| :--- | ---: | ---: | :---: |
| small-fast | 16,384 | $0.15 | no |
| medium | 128,000 | $2.50 | yes |
| large-reasoning | 200,000 | $15.00 | yes |
| local-7b | 8,192 | free | no |

## Cells with markup

| Option | Type | Default | Notes |
|--------|------|---------|-------|
| \`delayMs\` | \`number\` | \`500\` | Time between chunks, in **milliseconds** |
| \`split\` | \`string\` | \`'whitespace'\` | One of \`'whitespace'\`, \`'chars'\`, \`'graphemes'\` |
| \`signal\` | \`AbortSignal\` | *none* | Aborting ends the stream at once |
| \`fault\` | \`object\` | | See [Faults](#faults); empty cell on the left |
| \`pattern\` | \`RegExp\` | \`/a\\|b/\` | An escaped pipe: \\| stays inside the cell |

## A wide table

| # | Name | Region | Jan | Feb | Mar | Apr | May | Jun | Jul | Aug | Sep | Oct | Nov | Dec | Total |
|---|------|--------|-----|-----|-----|-----|-----|-----|-----|-----|-----|-----|-----|-----|-------|
| 1 | North depot | EU-West | 120 | 98 | 143 | 150 | 162 | 171 | 180 | 176 | 158 | 149 | 131 | 127 | 1,765 |
| 2 | South depot | EU-South | 88 | 91 | 104 | 117 | 139 | 166 | 190 | 201 | 170 | 133 | 97 | 90 | 1,586 |
| 3 | Harbour warehouse with an unusually long name that should wrap | APAC | 301 | 287 | 310 | 298 | 305 | 322 | 319 | 331 | 340 | 352 | 360 | 371 | 3,896 |

## Mixed scripts and emoji

| Language | Greeting | Direction | Mood |
|----------|----------|-----------|------|
| English | Hello | left to right | 🙂 |
| 中文 | 你好 | 从左到右 | 😄 |
| العربية | مرحبا | right to left | 👋🏽 |
| עברית | שלום | right to left | 🌿 |

## A table without leading or trailing pipes

Metric | Before | After | Change
--- | --- | --- | ---
p50 latency | 180 ms | 95 ms | −47%
p99 latency | 1.4 s | 410 ms | −71%
Errors per hour | 12 | 0.5 | −96%

A single-column table is valid too:

| Checklist |
| --------- |
| Backups verified |
| Alerts routed |
`;

export const math = String.raw`Here is the reasoning behind compound interest and a few related results.

## Inline math

If you invest a principal $P$ at an annual rate $r$, compounded $n$ times per year, after $t$ years you have $A = P\left(1 + \frac{r}{n}\right)^{nt}$. As $n \to \infty$ this becomes \(A = Pe^{rt}\), because $\lim_{n\to\infty}(1 + 1/n)^n = e \approx 2.71828$.

A price written with dollars is not math: the book costs $5 and the poster costs $10, so together they cost $15.

## Display math

The limit that defines $e$:

$$
e = \lim_{n \to \infty} \left(1 + \frac{1}{n}\right)^{n} = \sum_{k=0}^{\infty} \frac{1}{k!}
$$

The Gaussian integral, in the other display syntax:

\[
\int_{-\infty}^{\infty} e^{-x^2} \, dx = \sqrt{\pi}
\]

## Aligned steps

Solving $P(1 + r)^t = 2P$ for the doubling time:

$$
\begin{aligned}
(1 + r)^t &= 2 \\
t \ln(1 + r) &= \ln 2 \\
t &= \frac{\ln 2}{\ln(1 + r)} \approx \frac{0.693}{r}
\end{aligned}
$$

So at $r = 7\%$ money doubles in roughly $t \approx 0.693 / 0.07 \approx 9.9$ years: the "rule of 70".

## Matrices and cases

A rotation by $\theta$:

$$
R(\theta) = \begin{pmatrix} \cos\theta & -\sin\theta \\ \sin\theta & \cos\theta \end{pmatrix},
\qquad \det R(\theta) = \cos^2\theta + \sin^2\theta = 1
$$

The absolute value, piecewise:

$$
|x| = \begin{cases} x & \text{if } x \ge 0, \\ -x & \text{otherwise.} \end{cases}
$$

## Probability

The chance that at least two of $k$ people share a birthday is
$$p(k) = 1 - \prod_{i=0}^{k-1} \frac{365 - i}{365},$$
which passes $\tfrac{1}{2}$ at $k = 23$. For a normal variable, $\Pr(|X - \mu| < 2\sigma) \approx 95.45\%$, and Bayes' rule reads $P(A \mid B) = \dfrac{P(B \mid A)\,P(A)}{P(B)}$.

Greek and operators in one line: $\alpha + \beta = \gamma$, $\nabla \cdot \mathbf{E} = \rho / \varepsilon_0$, $\forall \epsilon > 0\ \exists \delta > 0$, and $\mathbb{R}^n \subseteq \mathbb{C}^n$.
`;

export const emoji = `Emoji that are more than one code point are where renderers and text splitters slip. ${EMOJI.wave}

## Families and people (ZWJ sequences)

- Family: ${EMOJI.family} (four people joined by zero-width joiners)
- Technologist with a skin tone: ${EMOJI.womanTechMedium}
- Two people holding hands, different tones: ${EMOJI.holdingHandsMixed}
- Couple with heart: ${EMOJI.coupleHeart}
- Health worker: ${EMOJI.healthWorker}

## Skin tones

Waving hands, light to dark: ${EMOJI.waveTones}

Thumbs up: ${EMOJI.thumbsTones}

## Flags

Country flags are pairs of regional indicators: ${EMOJI.flags}

Tag sequences make subdivision flags: Scotland ${EMOJI.scotland}, Wales ${EMOJI.wales}.

Other flags joined with ZWJ: ${EMOJI.rainbowFlag} ${EMOJI.pirateFlag} ${EMOJI.transFlag}

A lone regional indicator is half a flag and should stay visible: ${EMOJI.loneIndicator}

## Variation selectors and keycaps

- Text style vs emoji style: ${EMOJI.heartText} vs ${EMOJI.heartEmoji}, ${EMOJI.checkText} vs ${EMOJI.checkEmoji}
- Keycaps: ${EMOJI.keycaps}
- Newer sequences: ${EMOJI.newer}

## In running text

The release went out on Friday ${EMOJI.rocket} and the on-call phone stayed quiet ${EMOJI.sleeping}. Thanks to the team ${EMOJI.clapTone} and especially the reviewers ${EMOJI.eyes}${EMOJI.check}.

| Reaction | Meaning |
|----------|---------|
| ${EMOJI.thumbsUp} | looks good |
| ${EMOJI.eyes} | reviewing |
| ${EMOJI.party} | shipped |
| ${EMOJI.family} | the whole team |

${EMOJI.rocket}${EMOJI.rocket}${EMOJI.rocket} Emoji at the very start and end of a line ${EMOJI.sparkles}
`;

export const rtl = `Right-to-left text mixed with left-to-right text tests the bidirectional algorithm. Each line below mixes directions on purpose.

## Arabic

مرحبا! هذا مثال على نص عربي يتدفق من اليمين إلى اليسار.

افتح الملف config.json ثم غيّر قيمة timeout إلى 30 ثانية.

الإصدار 2.5 من المكتبة يدعم البث، والسعر هو 120 دولارًا (شامل الضريبة).

1. الخطوة الأولى: ثبّت الحزمة باستخدام npm install
2. الخطوة الثانية: شغّل الخادم
3. الخطوة الثالثة: افتح المتصفح على http://localhost:8080

Arabic-Indic digits: ٠١٢٣٤٥٦٧٨٩, and the same number written both ways: 2025 = ٢٠٢٥.

## Hebrew

שלום! זו דוגמה לטקסט בעברית.

הפקודה npm install מתקינה את כל התלויות.

בשנת 2024 שוחררה גרסה 3.0, והמחיר הוא ₪45.90 לחודש.

> ציטוט: "הקוד הטוב ביותר הוא קוד שלא צריך לכתוב."

## Mixed inside English sentences

The Arabic word "كتاب" means "book", and the Hebrew word "ספר" means the same.

The user ${RTL_MARKS.isolate('محمد')} sent 3 messages; the user ${RTL_MARKS.isolate('דנה')} sent 5. (The names are wrapped in bidi isolates.)

Parentheses are mirrored in right-to-left runs: (مثال) and [דוגמה] and {نص}.

A code span inside Arabic: استخدم \`fetch()\` لإرسال الطلب.

| English | العربية | עברית |
|---------|---------|-------|
| hello | مرحبا | שלום |
| book | كتاب | ספר |
| version 2 | الإصدار 2 | גרסה 2 |
`;

export const reasoningThoughts = `The user wants to know whether to pick a queue or a log for their event pipeline. Let me think about what actually differs.

A queue (think RabbitMQ, SQS) hands each message to one consumer and forgets it once acknowledged. A log (Kafka, Redpanda, a Postgres table with an offset) keeps messages, and each consumer tracks its own position.

Their constraints, as far as I can tell: two downstream services need the same events, one of them is sometimes down for an hour during deploys, and they mentioned wanting to "re-run last week" after fixing a bug. Replay is the deciding factor: with a queue, replay means storing messages somewhere else too. With a log, it is just resetting an offset.

Counterpoint: a log is heavier to operate. If their volume is small (they said a few hundred events per minute), a Postgres table used as a log might be enough and they already run Postgres.

So the answer: a log, and probably start with the database they already have. I should give the trade-offs in a short table and say when a queue would be the better pick, so it does not sound one-sided.`;

export const reasoningText = `**Short answer: use a log.** Two consumers that need the same events, plus the wish to replay last week, both point the same way.

| | Queue | Log |
|---|---|---|
| Who gets a message | one consumer | every consumer, at its own pace |
| After acknowledging | message is gone | message stays until retention ends |
| Replay | needs a separate archive | reset the consumer's offset |
| Operating cost | low | higher (unless you reuse your database) |

At a few hundred events per minute, you do not need a new system: an \`events\` table with an increasing \`id\`, and one \`consumer_offsets\` row per consumer, gives you replay with the Postgres you already run.

A queue would be the better pick if each event is a *task* that exactly one worker should do, and nobody needs it once it is done.`;

export const toolCallText = "I'll check the forecast for Zürich and look up trains to Geneva for Saturday.";

export const toolCalls = [
  { id: 'call_weather_01', name: 'get_weather', arguments: { city: 'Zürich', country: 'CH', unit: 'celsius', days: 3 } },
  {
    id: 'call_trains_02',
    name: 'search_trains',
    arguments: {
      from: 'Zürich HB',
      to: 'Genève',
      date: '2025-05-10',
      departAfter: '08:00',
      passengers: [{ type: 'adult', age: 34 }, { type: 'child', age: 6 }],
      options: { firstClass: false, bikes: 1, note: 'seats together, "quiet" zone if possible' },
    },
  },
];

export const truncated = `Here is a merge sort that keeps equal elements in their original order (a stable sort), followed by a line-by-line walk through it.

${F}python
def merge_sort(items):
    """Return a new sorted list; equal items keep their order."""
    if len(items) <= 1:
        return list(items)
    middle = len(items) // 2
    left = merge_sort(items[:middle])
    right = merge_sort(items[middle:])
    return merge(left, right)


def merge(left, right):
    result = []
    i = j = 0
    while i < len(left) and j < len(right):
        if left[i] <= right[j]:
            result.append(left[i])
            i += 1
        else:
            result.append(right[j])
            j += 1
    result.extend(left[i:])
    result.extend(right[j:])
    return result


if __name__ == "__main__":
    sample = [5, 3, 8, 3, 1, 9, 2]
    print(merge_sort(sample))  # [1, 2, 3, 3, 5, 8, 9]

# The walk-through: the comparison uses <= rather than <, so when two items are equal
# the one from the left half goes first. That is the whole reason the sort is stab`;

export const escape = `Text a chat UI must show as text, never run or swallow.

## HTML that must be escaped

A script tag: <script>alert("this should be visible text")<\/script>

An image with a handler: <img src="x" onerror="alert(1)">

A link with a javascript: URL: [click me](javascript:alert(1))

Entities written out: &amp; &lt;div&gt; &copy; &#x1F600; and a bare ampersand in "R&D".

<details><summary>Raw HTML block</summary>Some renderers allow this, others show the tags.</details>

## Markdown that looks like markup

- Escaped stars stay stars: \\*not italic\\* and 2 \\* 3 \\* 4 = 24
- Snake case is not emphasis: my_variable_name and __dunder__ methods
- A URL with underscores and parentheses: https://en.wikipedia.org/wiki/Bracket_(disambiguation)
- A backslash at the end of a line\\
  makes a hard break; so do two trailing spaces  
  like this.
- A literal pipe outside a table: a | b | c
- Angle brackets around words: <not-a-tag> and <br> and a < b > c

## Invisible and combining characters

- Zero-width space inside a word: super${INVISIBLES.zwsp}califragilistic
- Zero-width joiner and non-joiner: a${INVISIBLES.zwj}b a${INVISIBLES.zwnj}b
- Soft hyphen: extra${INVISIBLES.shy}ordinary (a hyphen appears only when the word breaks)
- No-break space between number and unit: 100${INVISIBLES.nbsp}km
- Combining marks stacked on letters: ${INVISIBLES.zalgo}
- Decomposed vs precomposed: ${INVISIBLES.decomposed} vs ${INVISIBLES.precomposed} (they look the same)
- A line separator character:${INVISIBLES.lineSeparator}and a paragraph separator:${INVISIBLES.paragraphSeparator}both break JSON spliced into JavaScript.
- A tab:${'\t'}between words, and a byte order mark in the middle:${INVISIBLES.bom}here.

## Quotes and brackets that never close

"An opening quote with no end, (a parenthesis too, and [a bracket, and **bold that never ends
`;
