/**
 * SVG plots: well-formed XML (parsed by test/helpers/xml.ts), one point per input row, axis
 * labels, reference lines, and XML escaping of `<&>` in labels. Tick values are checked against
 * the hand-derivable 1-2-5 rule (R's `pretty`, d3's `ticks`).
 */
import { describe, it, expect } from 'vitest';
import { parseXml, byClass, findAll, allText } from '../helpers/xml.js';
import { escapeXml, el, renderSvg, num } from '../../src/report/svg/svg.js';
import { niceTicks, niceDomain, linearScale, tickStep, extent } from '../../src/report/svg/scale.js';
import { coefPlot } from '../../src/report/svg/coefPlot.js';
import { eventStudyPlot } from '../../src/report/svg/eventStudyPlot.js';
import { attgtPlot } from '../../src/report/svg/attgtPlot.js';
import { lovePlot } from '../../src/report/svg/lovePlot.js';
import { overlapPlot, binShares } from '../../src/report/svg/overlapPlot.js';
import { mediationPlot, mediationRows } from '../../src/report/svg/mediationPlot.js';
import { CausalPanelError } from '../../src/errors.js';
import { expectClose } from '../helpers/expectClose.js';

const row = (term: string, estimate: number, se: number) => ({
  term, estimate, stdError: se, statistic: estimate / se, pValue: 0.01, confLow: estimate - 1.96 * se, confHigh: estimate + 1.96 * se,
});

describe('svg builder and scales', () => {
  it('escapes <&>"\' in text and attributes', () => {
    expect(escapeXml(`a<b & "c" 'd'>`)).toBe('a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;');
    const out = renderSvg(el('text', { 'data-x': 'a"<b>' }, ['x < y & z']));
    expect(out).toBe('<text data-x="a&quot;&lt;b&gt;">x &lt; y &amp; z</text>');
    expect(parseXml(out).text).toBe('x < y & z');
    expect(num(-0.001)).toBe('0');
    expect(num(1.23456)).toBe('1.23');
  });
  it('the XML checker rejects malformed documents', () => {
    expect(() => parseXml('<a><b></a>')).toThrow();
    expect(() => parseXml('<a>x < y</a>')).toThrow();
    expect(() => parseXml('<a x=1/>')).toThrow();
    expect(() => parseXml('<a>&nbsp;</a>')).toThrow();
  });
  it('nice ticks follow the 1-2-5 rule (R pretty / d3 ticks)', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-0.23, 0.87, 5)).toEqual([-0.2, 0, 0.2, 0.4, 0.6, 0.8]);
    expect(niceTicks(0, 100, 4)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(tickStep(0, 7, 5)).toBe(1); // 7/5 = 1.4 < √2 → step 1 (d3.tickStep(0, 7, 5) = 1)
    expect(tickStep(0, 8, 5)).toBe(2);
    expect(niceDomain(0.13, 0.87, 5)).toEqual([0, 1]);
    const x = linearScale([0, 10], [50, 550]);
    expectClose(x(5), 300, 1e-15, 'x(5)');
    expect(x.ticks(5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(extent([3, NaN, -1, 2])).toEqual([-1, 3]);
  });
});

describe('plots are well-formed SVG with one mark per row', () => {
  it('coefPlot: one point and one CI per term, zero line, escaped labels', () => {
    const rows = [row('x1', 0.97, 0.05), row('a<b & c>', 4.85, 0.45), row('(Intercept)', -1.2, 0.8)];
    const svg = coefPlot(rows, { title: 'Coefs & <CIs>' });
    const doc = parseXml(svg);
    expect(doc.name).toBe('svg');
    expect(byClass(doc, 'point')).toHaveLength(3);
    expect(byClass(doc, 'ci')).toHaveLength(3);
    expect(byClass(doc, 'zero-line')).toHaveLength(1);
    expect(byClass(doc, 'category').map((n) => n.text)).toEqual(['x1', 'a<b & c>', '(Intercept)']);
    expect(svg).toContain('a&lt;b &amp; c&gt;');
    expect(byClass(doc, 'title')[0]!.text).toBe('Coefs & <CIs>');
    expect(allText(byClass(doc, 'x-axis')[0]!)).toContain('Estimate and 95% CI');
    // points are ordered by value along x: x1 (0.97) left of a<b&c> (4.85), right of intercept (-1.2)
    const cx = byClass(doc, 'point').map((p) => Number(p.attrs.cx));
    expect(cx[2]! < cx[0]! && cx[0]! < cx[1]!).toBe(true);
  });

  it('eventStudyPlot: points per event time, dashed zero line, vertical line at the reference period', () => {
    const rows = [-4, -3, -2, 0, 1, 2, 3].map((e) => ({ e, ...row(`e${e}`, e < 0 ? 0.01 * e : 0.6, 0.1) }));
    const doc = parseXml(eventStudyPlot(rows, { ref: -1, title: 'ES', yLabel: 'Effect (SD)' }));
    expect(byClass(doc, 'point')).toHaveLength(7);
    expect(byClass(doc, 'ci')).toHaveLength(7);
    expect(byClass(doc, 'ref-point')).toHaveLength(1);
    const zero = byClass(doc, 'zero-line')[0]!;
    expect(zero.attrs['stroke-dasharray']).toBeDefined();
    expect(zero.attrs.y1).toBe(zero.attrs.y2); // horizontal
    const ref = byClass(doc, 'ref-line')[0]!;
    expect(ref.attrs.x1).toBe(ref.attrs.x2); // vertical
    expect(Number(ref.attrs.x1)).toBeCloseTo(Number(byClass(doc, 'ref-point')[0]!.attrs.cx), 5);
    const labels = findAll(doc, (n) => n.attrs.class === 'axis-label').map((n) => n.text);
    expect(labels).toEqual(['Periods relative to treatment', 'Effect (SD)']);
  });

  it('eventStudyPlot: a reference row (estimate 0, no interval) is drawn hollow, not as a point', () => {
    const rows = [-2, -1, 0, 1].map((e) => (e === -1 ? { e, estimate: 0, confLow: NaN, confHigh: NaN } : { e, ...row(`e${e}`, 0.1 * e, 0.1) }));
    const doc = parseXml(eventStudyPlot(rows));
    expect(byClass(doc, 'point')).toHaveLength(3);
    expect(byClass(doc, 'ref-point')).toHaveLength(1);
    expect(byClass(parseXml(eventStudyPlot(rows, { ref: null })), 'ref-point')).toHaveLength(0);
  });

  it('attgtPlot: one panel per group, one point per (g, t)', () => {
    const rows = [2019, 2020].flatMap((group) => [2017, 2018, 2019, 2020, 2021].map((time) => ({ group, time, att: time >= group ? 0.6 : 0, confLow: -0.2, confHigh: 0.8 })));
    const doc = parseXml(attgtPlot(rows, { title: 'ATT(g,t)' }));
    expect(byClass(doc, 'panel')).toHaveLength(2);
    expect(byClass(doc, 'point')).toHaveLength(10);
    expect(byClass(doc, 'panel-title').map((n) => n.text)).toEqual(['Group 2019', 'Group 2020']);
  });

  it('lovePlot: before and after per covariate and a line at 0.1', () => {
    const rows = [{ term: 'distance', before: 1.79, after: 0.01 }, { term: 'age', before: -0.31, after: 0.06 }, { term: 're74 <$>', before: -0.72, after: -0.05 }];
    const svg = lovePlot(rows);
    const doc = parseXml(svg);
    expect(byClass(doc, 'before')).toHaveLength(3);
    expect(byClass(doc, 'after')).toHaveLength(3);
    const t = byClass(doc, 'threshold-line');
    expect(t).toHaveLength(1);
    // |SMD| = 0.31 for age sits right of the 0.1 line
    expect(Number(byClass(doc, 'before')[1]!.attrs.cx)).toBeGreaterThan(Number(t[0]!.attrs.x1));
    expect(svg).toContain('re74 &lt;$&gt;');
    expect(byClass(parseXml(lovePlot(rows, { absolute: false })), 'threshold-line')).toHaveLength(2);
  });

  it('overlapPlot: bins shares sum to 1 per group; bars above for treated, below for control', () => {
    const shares = binShares([0.05, 0.15, 0.15, 0.95, NaN], 10, 0, 1);
    expectClose(shares[0]!, 0.25, 1e-15, 'bin 0');
    expectClose(shares[1]!, 0.5, 1e-15, 'bin 1');
    expectClose(shares[9]!, 0.25, 1e-15, 'bin 9');
    const doc = parseXml(overlapPlot({ treated: [0.6, 0.7, 0.8], control: [0.1, 0.2, 0.7] }, { bins: 10 }));
    expect(byClass(doc, 'treated')).toHaveLength(10);
    expect(byClass(doc, 'control')).toHaveLength(10);
    expect(() => overlapPlot({ treated: [], control: [0.5] })).toThrow(CausalPanelError);
    expect(() => overlapPlot({ treated: [0.5], control: [0.5] }, { bins: 0 })).toThrow(/bins/);
  });

  it('mediationPlot: ACME, ADE, total from a mediate()-shaped result', () => {
    const leaf = (estimate: number) => ({ estimate, confLow: estimate - 0.1, confHigh: estimate + 0.1, pValue: 0.01 });
    const med = { acme: { control: leaf(0.3), treated: leaf(0.31), average: leaf(0.305) }, ade: { control: leaf(0.1), treated: leaf(0.11), average: leaf(0.105) }, total: leaf(0.41) };
    const doc = parseXml(mediationPlot(mediationRows(med)));
    expect(byClass(doc, 'point')).toHaveLength(3);
    expect(byClass(doc, 'category').map((n) => n.text)).toEqual(['ACME', 'ADE', 'Total Effect']);
    expect(mediationRows(med, 'both')).toHaveLength(5);
  });

  it('every plot rejects empty input with empty_data', () => {
    for (const f of [() => coefPlot([]), () => eventStudyPlot([]), () => attgtPlot([]), () => lovePlot([]), () => mediationPlot([])]) {
      try {
        f();
        expect.fail('no throw');
      } catch (e) {
        expect((e as CausalPanelError).code).toBe('empty_data');
      }
    }
  });
});
