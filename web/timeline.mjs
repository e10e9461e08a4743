// The arrival timeline: the plan (chunk i due at (i+1) × delay after Start) as ticks on
// one row, the real arrivals as dots on the row below, a line from each tick to its dot.
// Plain SVG drawn in pixel units (the viewBox follows the element's width) so text keeps
// its size on a phone; chunks are appended one by one, and only a resize or a run that
// outgrows the axis redraws everything.
import { formatDuration, translate } from './i18n.mjs';

const SVG = 'http://www.w3.org/2000/svg';
const HEIGHT = 132;
const LEFT = 64;
const RIGHT = 20;
const ROW_PLAN = 34;
const ROW_ARRIVED = 74;
const AXIS = 102;

function svgElement(name, attributes) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

// A round step for axis labels: 1, 2 or 5 times a power of ten, about `count` of them.
function niceStep(span, count) {
  const rough = span / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const unit = [1, 2, 5, 10].find((m) => m * power >= rough) ?? 10;
  return unit * power;
}

export class Timeline {
  #svg;
  #metrics;
  #summary;
  #lang = 'zh';
  #run = null; // { delayMs, expectedCount, arrivals: [ms since start], late: the worst lateness so far }
  #span = 1; // ms covered by the axis
  #width = 0;
  #layers = null;
  #metricsFrame = 0;

  constructor(svg, metrics, summary) {
    this.#svg = svg;
    this.#metrics = metrics; // { first, rate, total, late } elements
    this.#summary = summary; // the <desc> read by screen readers
    new ResizeObserver(() => {
      if (Math.round(this.#svg.clientWidth) !== this.#width) this.#redraw();
    }).observe(svg);
    this.#redraw();
  }

  setLanguage(lang) {
    this.#lang = lang;
    this.#redraw();
    this.#updateMetrics();
  }

  start({ delayMs, expectedCount }) {
    this.#run = { delayMs, expectedCount, arrivals: [], late: -Infinity };
    this.#span = Math.max(delayMs * Math.max(expectedCount, 1), 1) * 1.04;
    this.#redraw();
    this.#updateMetrics();
  }

  /** Records a chunk that arrived `elapsedMs` after Start. */
  arrive(elapsedMs) {
    const run = this.#run;
    run.arrivals.push(elapsedMs);
    const due = run.arrivals.length * run.delayMs;
    run.late = Math.max(run.late, elapsedMs - due);
    if (Math.max(elapsedMs, due) > this.#span) {
      // Double, so a run far slower than planned redraws a few times, not at every chunk;
      // finish() fits the axis to the run again.
      this.#span = Math.max(elapsedMs, due) * 2;
      this.#redraw();
    } else {
      this.#drawArrival(run.arrivals.length - 1);
    }
    // The figures are read by eye: one update a frame, however many chunks came in it.
    // start(), finish() and setLanguage() update them at once.
    this.#metricsFrame ||= requestAnimationFrame(() => this.#updateMetrics());
  }

  /** The run is over. A stopped run keeps its planned axis: the ticks never reached show. */
  finish() {
    const run = this.#run;
    if (!run) return;
    const complete = run.arrivals.length > 0 && run.arrivals.length >= run.expectedCount;
    const fitted = Math.max(run.arrivals.at(-1) ?? 0, run.delayMs * run.arrivals.length, 1) * 1.04;
    if (complete && fitted < this.#span) {
      this.#span = fitted;
      this.#redraw();
    }
    this.#updateMetrics();
  }

  #x(ms) {
    return LEFT + (ms / this.#span) * (this.#width - LEFT - RIGHT);
  }

  #redraw() {
    this.#width = Math.max(Math.round(this.#svg.clientWidth) || 600, 240);
    const svg = this.#svg;
    svg.setAttribute('viewBox', `0 0 ${this.#width} ${HEIGHT}`);
    for (const child of [...svg.children]) if (child.localName !== 'title' && child.localName !== 'desc') child.remove();

    const t = (key) => translate(this.#lang, key);
    const axis = svgElement('g', { class: 'tl-axis' });
    axis.append(svgElement('line', { x1: LEFT, x2: this.#width - RIGHT, y1: AXIS, y2: AXIS }));
    const step = niceStep(this.#span, Math.max(2, Math.floor((this.#width - LEFT) / 90)));
    for (let ms = 0; ms <= this.#span; ms += step) {
      const x = this.#x(ms);
      axis.append(svgElement('line', { x1: x, x2: x, y1: AXIS, y2: AXIS + 5 }));
      const label = svgElement('text', { x, y: AXIS + 19, 'text-anchor': 'middle' });
      label.textContent = formatDuration(this.#lang, ms);
      axis.append(label);
    }
    for (const [y, key] of [[ROW_PLAN, 'timeline.schedule'], [ROW_ARRIVED, 'timeline.arrived']]) {
      const label = svgElement('text', { x: LEFT - 10, y: y + 4, 'text-anchor': 'end', class: 'tl-row-label' });
      label.textContent = t(key);
      axis.append(label);
      axis.append(svgElement('line', { x1: LEFT, x2: this.#width - RIGHT, y1: y, y2: y, class: 'tl-row' }));
    }
    const plan = svgElement('g', { class: 'tl-plan' });
    const lags = svgElement('g', { class: 'tl-lag' });
    const dots = svgElement('g', { class: 'tl-arrived' });
    svg.append(axis, plan, lags, dots);
    this.#layers = { plan, lags, dots };

    const run = this.#run;
    if (!run) return;
    for (let i = 0; i < run.expectedCount; i += 1) {
      const x = this.#x((i + 1) * run.delayMs);
      plan.append(svgElement('line', { x1: x, x2: x, y1: ROW_PLAN - 7, y2: ROW_PLAN + 7, 'data-index': i }));
    }
    run.arrivals.forEach((_, i) => this.#drawArrival(i));
  }

  #drawArrival(i) {
    const run = this.#run;
    const x = this.#x(run.arrivals[i]);
    const due = this.#x((i + 1) * run.delayMs);
    if (i >= run.expectedCount) {
      // More chunks than the plan expected: give the extra one its tick too.
      this.#layers.plan.append(svgElement('line', { x1: due, x2: due, y1: ROW_PLAN - 7, y2: ROW_PLAN + 7, 'data-index': i }));
    }
    this.#layers.lags.append(svgElement('line', { x1: due, x2: x, y1: ROW_PLAN + 7, y2: ROW_ARRIVED - 5 }));
    this.#layers.dots.append(svgElement('circle', { cx: x, cy: ROW_ARRIVED, r: 4.5, 'data-index': i }));
  }

  #updateMetrics() {
    cancelAnimationFrame(this.#metricsFrame);
    this.#metricsFrame = 0;
    const run = this.#run;
    const lang = this.#lang;
    const show = (element, text) => {
      element.textContent = text;
    };
    if (!run || run.arrivals.length === 0) {
      for (const element of Object.values(this.#metrics)) show(element, '—');
      this.#summary.textContent = translate(lang, 'timeline.empty');
      return;
    }
    const { arrivals, late } = run;
    const last = arrivals[arrivals.length - 1];
    const rate = last > 0 ? (arrivals.length * 1000) / last : Infinity;
    show(this.#metrics.first, formatDuration(lang, arrivals[0]));
    show(this.#metrics.rate, Number.isFinite(rate) ? translate(lang, 'unit.rate', { n: rate.toFixed(rate < 10 ? 2 : 0) }) : '—');
    show(this.#metrics.total, formatDuration(lang, last));
    show(this.#metrics.late, formatDuration(lang, Math.max(0, late)));
    this.#summary.textContent = translate(lang, 'timeline.summary', {
      count: arrivals.length,
      first: formatDuration(lang, arrivals[0]),
      total: formatDuration(lang, last),
      late: formatDuration(lang, Math.max(0, late)),
    });
  }
}
