// The arrival timeline: the plan (when each chunk is due, from stream.plan(), drawn before
// the run) as ticks on one row, the arrivals as dots on the row below, a line from each
// tick to its dot while there are few enough to tell apart; and the figures above it.
//
// A canvas, redrawn at most once a frame whatever the rate: each mark is placed on a pixel
// column, and a column already drawn is not drawn again, so 100,000 chunks cost as many
// strokes as the canvas is wide. The figures and the description a screen reader gets are
// updated with it. The canvas carries data-planned, data-arrived, data-unit and
// data-labels, which the tests read.
import { axisFormat, formatDuration, formatNumber, translate } from './i18n.mjs';

const HEIGHT = 124;
const LEFT = 58;
const RIGHT = 14;
const ROW_PLAN = 22;
const ROW_ARRIVED = 60;
const AXIS = 88;
const LAG_LINES_AT_MOST = 300;
const DESCRIBE_EVERY_MS = 1000;

// A round step for axis labels: 1, 2 or 5 times a power of ten, about `count` of them.
function niceStep(span, count) {
  const rough = span / Math.max(count, 1);
  const power = 10 ** Math.floor(Math.log10(rough));
  const unit = [1, 2, 5, 10].find((m) => m * power >= rough) ?? 10;
  return unit * power;
}

export class Timeline {
  #canvas;
  #metrics;
  #summary;
  #lang = 'zh';
  #plan = []; // ms after the first next(), one per chunk
  #arrivals = [];
  #late = -Infinity; // the worst arrival minus its planned time
  #span = 1;
  #running = false;
  #frame = 0;
  #colors = null;
  #frameStats = null; // { longestMs, fps } of the page during the run
  #describedAt = 0;
  #figuresAt = 0;
  #dirty = false;

  constructor(canvas, metrics, summary) {
    this.#canvas = canvas;
    this.#metrics = metrics; // { first, rate, total, late, frame } elements
    this.#summary = summary;
    new ResizeObserver(() => this.#schedule()).observe(canvas);
  }

  setLanguage(lang) {
    this.#lang = lang;
    this.#updateFigures(true);
    this.#schedule();
  }

  /** The colours come from the stylesheet: read them again after a theme change. */
  refreshColors() {
    this.#colors = null;
    this.#schedule();
  }

  /** Shows a plan before any run (or for the next one): ticks only, no arrivals. */
  showPlan(plan) {
    if (this.#running) return;
    this.#plan = plan;
    this.#arrivals = [];
    this.#late = -Infinity;
    this.#frameStats = null;
    this.#span = this.#fit();
    this.#updateFigures(true);
    this.#schedule();
  }

  /** A run starts with this plan (null: none known, only arrivals are drawn). */
  start(plan) {
    this.#running = true;
    this.#plan = plan ?? [];
    this.#arrivals = [];
    this.#late = -Infinity;
    this.#frameStats = null;
    this.#span = this.#fit();
    this.#updateFigures(true);
    this.#schedule();
  }

  /** The plan became known after the run started (a wire format's seed comes with its headers). */
  setPlan(plan) {
    this.#plan = plan;
    this.#late = -Infinity;
    this.#arrivals.forEach((t, i) => this.#noteLateness(t, i));
    this.#span = Math.max(this.#span, this.#fit());
    this.#schedule();
  }

  /** A chunk arrived `elapsedMs` after the first next(). Drawn at the next frame. */
  arrive(elapsedMs) {
    this.#arrivals.push(elapsedMs);
    this.#noteLateness(elapsedMs, this.#arrivals.length - 1);
    if (elapsedMs > this.#span) this.#span = elapsedMs * 2; // grows a few times, not every chunk
    this.#schedule();
  }

  /** The page's own smoothness during the run, shown beside the stream's figures. */
  setFrameStats(stats) {
    this.#frameStats = stats;
    this.#schedule();
  }

  /** The run is over. A stopped run keeps its planned axis: the ticks never reached show. */
  finish({ complete }) {
    this.#running = false;
    if (complete) this.#span = this.#fit();
    this.#updateFigures(true);
    this.#schedule();
  }

  #noteLateness(t, i) {
    if (i < this.#plan.length) this.#late = Math.max(this.#late, t - this.#plan[i]);
  }

  #fit() {
    const last = Math.max(this.#plan.at(-1) ?? 0, this.#arrivals.at(-1) ?? 0);
    return Math.max(last * 1.04, 1);
  }

  // Between runs the timeline draws itself at the next frame; during one, the playground
  // draws everything once a frame in one pass (draw()), so that the canvas, the text and the
  // layout are each done once.
  #schedule() {
    this.#dirty = true;
    if (this.#running) return;
    this.#frame ||= requestAnimationFrame(() => {
      this.#frame = 0;
      this.draw();
    });
  }

  /** Draws what changed since the last call (the canvas every time, the figures ten times a second at most). */
  draw() {
    if (!this.#dirty) return;
    this.#dirty = false;
    this.#draw();
    const now = performance.now();
    if (!this.#running || now - this.#figuresAt >= 100) {
      this.#figuresAt = now;
      this.#updateFigures(false);
    }
  }

  #readColors() {
    const style = getComputedStyle(this.#canvas);
    const read = (name) => style.getPropertyValue(name).trim();
    return {
      plan: read('--plot-plan'),
      arrived: read('--plot-arrived'),
      lag: read('--plot-lag'),
      axis: read('--plot-axis'),
      ink: read('--ink'),
      line: read('--line'),
      font: `12px ${read('--sans') || 'sans-serif'}`,
      bold: `600 12px ${read('--sans') || 'sans-serif'}`,
    };
  }

  #draw() {
    const canvas = this.#canvas;
    const width = Math.max(Math.round(canvas.clientWidth) || 600, 240);
    const ratio = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(HEIGHT * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(HEIGHT * ratio);
    }
    const colors = (this.#colors ??= this.#readColors());
    const g = canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, HEIGHT);
    const plotWidth = width - LEFT - RIGHT;
    const x = (ms) => LEFT + (ms / this.#span) * plotWidth;

    // Rows and the axis, one unit for every label on it.
    g.lineWidth = 1;
    g.strokeStyle = colors.line;
    g.setLineDash([3, 4]);
    g.beginPath();
    for (const y of [ROW_PLAN, ROW_ARRIVED]) {
      g.moveTo(LEFT, y + 0.5);
      g.lineTo(width - RIGHT, y + 0.5);
    }
    g.stroke();
    g.setLineDash([]);
    g.strokeStyle = colors.axis;
    g.fillStyle = colors.axis;
    g.font = colors.font;
    g.textAlign = 'center';
    g.textBaseline = 'alphabetic';
    g.beginPath();
    g.moveTo(LEFT, AXIS + 0.5);
    g.lineTo(width - RIGHT, AXIS + 0.5);
    const step = niceStep(this.#span, Math.max(3, Math.floor(plotWidth / 75)));
    const format = axisFormat(this.#lang, this.#span, step);
    const labels = [];
    for (let i = 0; i * step <= this.#span + 1e-9; i += 1) {
      const ms = i * step;
      const px = Math.round(x(ms)) + 0.5;
      g.moveTo(px, AXIS);
      g.lineTo(px, AXIS + 5);
      const label = format(ms);
      labels.push(label);
      g.fillText(label, px, AXIS + 19);
    }
    g.stroke();
    g.textAlign = 'end';
    g.textBaseline = 'middle';
    g.font = colors.bold;
    g.fillStyle = colors.ink;
    g.fillText(translate(this.#lang, 'timeline.schedule'), LEFT - 8, ROW_PLAN);
    g.fillText(translate(this.#lang, 'timeline.arrived'), LEFT - 8, ROW_ARRIVED);

    const plan = this.#plan;
    const arrivals = this.#arrivals;
    // Lines from each planned tick to its dot, while they can be told apart.
    const count = arrivals.length;
    if (count > 0 && count <= LAG_LINES_AT_MOST && plan.length > 0) {
      g.strokeStyle = colors.lag;
      g.lineWidth = 1.25;
      g.beginPath();
      for (let i = 0; i < Math.min(count, plan.length); i += 1) {
        g.moveTo(x(plan[i]), ROW_PLAN + 8);
        g.lineTo(x(arrivals[i]), ROW_ARRIVED - 6);
      }
      g.stroke();
    }
    // The plan: one tick per pixel column that has any.
    g.strokeStyle = colors.plan;
    g.lineWidth = plan.length > plotWidth / 3 ? 1 : 2.5;
    g.lineCap = 'round';
    g.beginPath();
    let lastColumn = -1;
    for (let i = 0; i < plan.length; i += 1) {
      const column = Math.round(x(plan[i]));
      if (column === lastColumn) continue;
      lastColumn = column;
      g.moveTo(column + 0.5, ROW_PLAN - 8);
      g.lineTo(column + 0.5, ROW_PLAN + 8);
    }
    g.stroke();
    // The arrivals: dots, smaller as they crowd, one per pixel column.
    const radius = Math.max(1.5, Math.min(4.5, plotWidth / Math.max(count, 1) / 2.5));
    g.fillStyle = colors.arrived;
    g.beginPath();
    lastColumn = -1;
    for (let i = 0; i < count; i += 1) {
      const px = x(arrivals[i]);
      const column = Math.round(px);
      if (column === lastColumn) continue;
      lastColumn = column;
      g.moveTo(px + radius, ROW_ARRIVED);
      g.arc(px, ROW_ARRIVED, radius, 0, Math.PI * 2);
    }
    g.fill();

    Object.assign(canvas.dataset, {
      planned: String(plan.length),
      planEnd: plan.length > 0 ? plan.at(-1).toFixed(3) : '',
      arrived: String(count),
      unit: format.unit,
      labels: labels.join('|'),
    });
  }

  #updateFigures(force) {
    const lang = this.#lang;
    const m = this.#metrics;
    const arrivals = this.#arrivals;
    const frame = this.#frameStats;
    if (frame?.fps != null) {
      m.frame.textContent = formatDuration(lang, frame.longestMs);
      m.frame.title = translate(lang, 'metric.frame.detail', { fps: formatNumber(lang, frame.fps, 0) });
    } else {
      m.frame.textContent = '—';
      m.frame.title = '';
    }
    if (arrivals.length === 0) {
      for (const key of ['first', 'rate', 'total', 'late']) m[key].textContent = '—';
      this.#summary.textContent = this.#plan.length > 0
        ? translate(lang, 'timeline.planned', { count: this.#plan.length, total: formatDuration(lang, this.#plan.at(-1)) })
        : translate(lang, 'timeline.empty');
      return;
    }
    const last = arrivals.at(-1);
    const rate = last > 0 ? (arrivals.length * 1000) / last : null;
    m.first.textContent = formatDuration(lang, arrivals[0]);
    // The unit is in the label: a figure alone keeps to one line in the narrowest card.
    m.rate.textContent = rate === null ? '—' : formatNumber(lang, rate, rate < 10 ? 2 : 0);
    m.total.textContent = formatDuration(lang, last);
    m.late.textContent = Number.isFinite(this.#late) ? formatDuration(lang, Math.max(0, this.#late)) : '—';
    // The description is read on demand; keep it fresh, but not at every frame.
    const now = performance.now();
    if (force || !this.#running || now - this.#describedAt > DESCRIBE_EVERY_MS) {
      this.#describedAt = now;
      this.#summary.textContent = translate(lang, 'timeline.summary', {
        count: arrivals.length,
        planned: this.#plan.length,
        first: formatDuration(lang, arrivals[0]),
        total: formatDuration(lang, last),
        late: m.late.textContent,
      });
    }
  }
}
