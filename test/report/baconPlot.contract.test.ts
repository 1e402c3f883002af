/**
 * baconPlot: well-formed SVG with one point per 2×2 comparison, the TWFE line at the result's
 * coefficient, a legend entry per comparison type, rows given directly, and typed errors for
 * bad input.
 */
import { describe, expect, it } from 'vitest';
import { baconDecomposition } from '../../src/estimators/did/bacon.js';
import { baconPlot } from '../../src/report/svg/baconPlot.js';
import { loadDataset } from '../helpers/oracle.js';
import { allText, byClass, parseXml } from '../helpers/xml.js';
import { thrown } from '../helpers/thrown.js';

const raw = loadDataset('mpdta.csv');
const year = raw.numeric('year');
const mpdta = raw.withColumns({ treat_post: Float64Array.from(raw.numeric('first.treat'), (g, i) => (g > 0 && year[i]! >= g ? 1 : 0)) });

describe('baconPlot', () => {
  it('draws one point per comparison, the TWFE line and the comparison types', () => {
    const bacon = baconDecomposition({ data: mpdta, outcome: 'lemp', unit: 'countyreal', time: 'year', treat: 'treat_post' });
    const doc = parseXml(baconPlot(bacon, { title: 'Bacon <mpdta>' }));
    expect(byClass(doc, 'point')).toHaveLength(bacon.comparisons.length);
    expect(byClass(doc, 'twfe-line')).toHaveLength(1);
    const text = allText(doc);
    for (const type of Object.keys(bacon.byType)) expect(text).toContain(type);
    expect(text).toContain('Bacon <mpdta>');
    expect(text).toContain('2004 vs never');
  });

  it('accepts rows { estimate, weight, type } (TWFE line at their weighted mean) and rejects other input', () => {
    const doc = parseXml(baconPlot([{ estimate: 1, weight: 0.25, type: 'a' }, { estimate: -1, weight: 0.75, type: 'b' }]));
    expect(byClass(doc, 'point')).toHaveLength(2);
    expect(byClass(doc, 'twfe-line')).toHaveLength(1);
    expect(thrown(() => baconPlot(42 as never)).code).toBe('invalid_option');
    expect(thrown(() => baconPlot([])).code).toBe('empty_data');
    expect(thrown(() => baconPlot([{ estimate: 1, weight: 1 }] as never)).code).toBe('invalid_option');
    expect(thrown(() => baconPlot({ comparisons: [] })).code).toBe('empty_data');
    expect(thrown(() => baconPlot([{ estimate: 1, weight: 1, type: 'a' }], { colour: 'red' } as never)).code).toBe('unknown_option');
  });
});
