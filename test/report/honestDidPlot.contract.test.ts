/**
 * honestDidPlot: well-formed SVG with the original interval and one bar per M, axis labels from
 * the result (Mbar for relative magnitudes), rows given directly, and typed errors for bad input.
 */
import { describe, expect, it } from 'vitest';
import { honestDid } from '../../src/estimators/did/honestDid.js';
import { honestDidPlot } from '../../src/report/svg/honestDidPlot.js';
import { loadOracle } from '../helpers/oracle.js';
import { allText, byClass, parseXml } from '../helpers/xml.js';
import { thrown } from '../helpers/thrown.js';

const o = loadOracle<{ betahat: number[]; sigma: number[][] }>('honestdid_mpdta_first').results;

describe('honestDidPlot', () => {
  it('draws the original interval and one robust bar per Mbar, labelled', () => {
    const hd = honestDid({ betahat: o.betahat, sigma: o.sigma, numPrePeriods: 3, numPostPeriods: 4 }, { type: 'relativeMagnitudes', Mbar: [0, 1, 2], method: 'Conditional', gridPoints: 101 });
    const doc = parseXml(honestDidPlot(hd, { title: 'Sensitivity <RM>' }));
    expect(byClass(doc, 'robust')).toHaveLength(3);
    expect(byClass(doc, 'original')).toHaveLength(1);
    const text = allText(doc);
    expect(text).toContain('Original');
    expect(text).toContain('Mbar');
    expect(text).toContain('Robust (Conditional)');
    expect(text).toContain('Sensitivity <RM>');
  });

  it('accepts rows { M, lb, ub } (no original bar) and rejects other input', () => {
    const doc = parseXml(honestDidPlot([{ M: 0, lb: -1, ub: 1 }, { M: 0.5, lb: -2, ub: 2 }]));
    expect(byClass(doc, 'robust')).toHaveLength(2);
    expect(byClass(doc, 'original')).toHaveLength(0);
    expect(thrown(() => honestDidPlot(42 as never)).code).toBe('invalid_option');
    expect(thrown(() => honestDidPlot([])).code).toBe('empty_data');
    expect(thrown(() => honestDidPlot([{ M: 1, lb: 0, ub: 1 }, { M: 0, lb: 0, ub: 1 }])).message).toContain('increasing M');
    expect(thrown(() => honestDidPlot([{ M: 0, lb: 0, ub: 1 }], { colour: 'red' } as never)).code).toBe('unknown_option');
  });
});
