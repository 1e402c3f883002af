/**
 * Number formatting as R prints it: `format(x, digits)` (common decimals for a column, fixed
 * unless scientific is narrower), `round`, `signif`, `prettyNum(big.mark = ",")`, and fixest's
 * coefficient-table conventions (`decimalFormat`, p-values `"< 2.2e-16"`, significance stars).
 *
 * Algorithm: R's `formatReal` (src/main/format.c): for each finite x find the fewest significant
 * digits (≤ `digits`) that show x to `digits` significant digits; fixed notation uses the largest
 * number of decimals any element needs, and is chosen when it is no wider than scientific
 * notation (`scipen = 0`). Digits come from `toExponential`, i.e. correctly rounded decimals.
 */
import { log10, pow } from '../numerics/elementary.js';

/**
 * R's `getOption("digits")`.
 *
 * @example
 * formatReal([Math.PI], R_DIGITS); // ['3.141593']
 */
export const R_DIGITS = 7;

/**
 * fixest's legend printed under a coefficient table.
 *
 * @example
 * lines.push('---', SIGNIF_LEGEND);
 */
export const SIGNIF_LEGEND = "Signif. codes:  0 '***' 0.001 '**' 0.01 '*' 0.05 '.' 0.1 ' ' 1";

interface Sci {
  neg: boolean;
  kpower: number;
  nsig: number;
}

// Decimal exponent and number of significant digits needed for |x| at `digits` digits.
function scientificParts(x: number, digits: number): Sci {
  if (x === 0) return { neg: false, kpower: 0, nsig: 1 };
  const text = Math.abs(x).toExponential(Math.max(0, digits - 1));
  const [mantissa, exponent] = text.split('e') as [string, string];
  const sig = mantissa.replace('.', '').replace(/0+$/, '');
  return { neg: x < 0, kpower: Number(exponent), nsig: Math.max(1, sig.length) };
}

function nonFinite(x: number): string {
  if (Number.isNaN(x)) return 'NA';
  return x > 0 ? 'Inf' : '-Inf';
}

/**
 * Formats a numeric vector as R's `format(x, digits = digits)` does, without padding: the
 * same number of decimals for every element (or scientific notation for all when that is
 * narrower). NaN prints as `"NA"`, infinities as `"Inf"` / `"-Inf"`.
 *
 * @example
 * formatReal([1.5, 2.25, 10]);          // ['1.50', '2.25', '10.00']
 * formatReal([123456789, 0.1]);         // ['1.234568e+08', '1.000000e-01']
 * formatReal([0.0012345678], 5);        // ['0.0012346']
 */
export function formatReal(xs: ArrayLike<number>, digits = R_DIGITS): string[] {
  const d = Math.min(22, Math.max(1, Math.floor(digits)));
  let anyFinite = false;
  let neg = false;
  let mxsl = 1;
  let rgt = 0;
  let mxns = 1;
  let maxExp = 0;
  const parts: (Sci | null)[] = [];
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] as number;
    if (!Number.isFinite(x)) {
      parts.push(null);
      continue;
    }
    const p = scientificParts(x, d);
    parts.push(p);
    anyFinite = true;
    if (p.neg) neg = true;
    const left = p.kpower + 1;
    const sleft = (p.neg ? 1 : 0) + (left <= 0 ? 1 : left);
    mxsl = Math.max(mxsl, sleft);
    rgt = Math.max(rgt, p.nsig - p.kpower - 1);
    mxns = Math.max(mxns, p.nsig);
    maxExp = Math.max(maxExp, Math.abs(p.kpower));
  }
  if (!anyFinite) return Array.from(xs as ArrayLike<number>, nonFinite);
  rgt = Math.max(0, rgt);
  const widthFixed = mxsl + (rgt > 0 ? rgt + 1 : 0);
  const expDigits = maxExp >= 100 ? 3 : 2;
  const widthSci = (neg ? 1 : 0) + (mxns > 1 ? mxns + 1 : mxns) + 2 + expDigits;
  const fixed = widthFixed <= widthSci;
  return parts.map((p, i) => {
    const x = xs[i] as number;
    if (p === null) return nonFinite(x);
    if (fixed) return fixedString(x, rgt);
    const text = x.toExponential(mxns - 1);
    // JS writes e+8; R writes e+08.
    return text.replace(/e([+-])(\d+)$/, (_m, sign: string, e: string) => `e${sign}${e.padStart(expDigits, '0')}`);
  });
}

// toFixed switches to exponent notation above 1e21; R prints all digits.
function fixedString(x: number, decimals: number): string {
  const text = x.toFixed(Math.min(100, decimals));
  return text === '-0' || /^-0\.0*$/.test(text) ? text.slice(1) : text;
}

/**
 * One number as R's `format(x, digits)` prints it.
 *
 * @example
 * formatNumber(Math.PI);      // '3.141593'
 * formatNumber(Math.PI, 3);   // '3.14'
 * formatNumber(1e-10);        // '1e-10'
 */
export function formatNumber(x: number, digits = R_DIGITS): string {
  return formatReal([x], digits)[0]!;
}

/**
 * R's `round(x, decimals)`: half away from zero on the decimal representation.
 *
 * @example
 * roundTo(2.345678, 2); // 2.35
 */
export function roundTo(x: number, decimals: number): number {
  if (!Number.isFinite(x)) return x;
  if (decimals > 15) return x;
  const text = x.toFixed(Math.max(0, decimals));
  const out = Number(text);
  return decimals < 0 ? Math.round(x / pow(10, -decimals)) * pow(10, -decimals) : out;
}

/**
 * R's `signif(x, digits)`.
 *
 * @example
 * signif(123456, 2); // 120000
 */
export function signif(x: number, digits: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toPrecision(Math.min(100, Math.max(1, Math.floor(digits)))));
}

/**
 * An integer with thousands separators, as `prettyNum(n, big.mark = ",")`.
 *
 * @example
 * formatInteger(1080);     // '1,080'
 * formatInteger(-1234567); // '-1,234,567'
 */
export function formatInteger(n: number): string {
  if (!Number.isFinite(n)) return nonFinite(n);
  const r = Math.round(n);
  const digits = Math.abs(r).toString();
  return (r < 0 ? '-' : '') + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * fixest's `decimalFormat`: rounds a column of coefficients before printing — 6 decimals when
 * some |x| < 1, `max(1, 6 - ceiling(log10|x|))` when all |x| > 1, and
 * `ceiling(-min log10|x|) + 2` decimals when some |x| < 1e-5 (fixest `print_coeftable`).
 *
 * @example
 * fixestDecimalRound([18.52941234, 11.745]); // [18.5294, 11.745]
 */
export function fixestDecimalRound(xs: ArrayLike<number>): number[] {
  const out = Array.from(xs as ArrayLike<number>);
  const powers = out.filter((x) => Number.isFinite(x)).map((x) => log10(Math.abs(x)));
  if (powers.length === 0) return out;
  const minPower = Math.min(...powers);
  let decimals: number;
  if (minPower > 0) decimals = Math.max(1, ...powers.map((p) => 6 - Math.ceil(p)));
  else if (minPower < -5) decimals = Math.ceil(Math.abs(minPower)) + 2;
  else decimals = 6;
  return out.map((x) => (Number.isFinite(x) ? roundTo(x, decimals) : x));
}

/**
 * Formats a column of estimates as fixest's coefficient table does:
 * {@link fixestDecimalRound}, then R's `format(digits = 7)`.
 *
 * @example
 * formatCoefColumn([0.97526712, 4.9956]); // ['0.975267', '4.995600']
 */
export function formatCoefColumn(xs: ArrayLike<number>, digits = R_DIGITS): string[] {
  return formatReal(fixestDecimalRound(xs), digits);
}

/**
 * Formats p-values as fixest prints them: values below 2.2e-16 as `"< 2.2e-16"`, the others
 * together with `format(digits = 5)`, missing as `"NA"`.
 *
 * @example
 * formatPValues([1e-20, 0.0012, 0.5]); // ['< 2.2e-16', '0.0012', '0.5000']
 */
export function formatPValues(ps: ArrayLike<number>, digits = 5): string[] {
  const out: string[] = new Array(ps.length);
  const rest: number[] = [];
  const restIndex: number[] = [];
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i] as number;
    if (Number.isNaN(p)) out[i] = 'NA';
    else if (p < 2.2e-16) out[i] = '< 2.2e-16';
    else {
      rest.push(p);
      restIndex.push(i);
    }
  }
  const formatted = formatReal(rest, digits);
  restIndex.forEach((i, j) => (out[i] = formatted[j]!));
  return out;
}

/**
 * One p-value as fixest prints it.
 *
 * @example
 * formatPValue(1e-20);  // '< 2.2e-16'
 * formatPValue(0.0012); // '0.0012'
 */
export function formatPValue(p: number, digits = 5): string {
  return formatPValues([p], digits)[0]!;
}

/**
 * Significance stars as R's `symnum` / fixest: `***` p ≤ 0.001, `**` ≤ 0.01, `*` ≤ 0.05,
 * `.` ≤ 0.1, otherwise `""` (also for NaN).
 *
 * @example
 * significanceStars(0.003); // '**'
 * significanceStars(0.2);   // ''
 */
export function significanceStars(p: number): string {
  if (!(p >= 0)) return '';
  if (p <= 0.001) return '***';
  if (p <= 0.01) return '**';
  if (p <= 0.05) return '*';
  if (p <= 0.1) return '.';
  return '';
}

/**
 * A number rounded to `digits` significant digits, R-style (`format(signif(x, digits))`), as
 * etable and the fit-statistics footer print single numbers.
 *
 * @example
 * formatSignif(0.4611553, 6); // '0.461155'
 * formatSignif(4.864932, 6);  // '4.86493'
 */
export function formatSignif(x: number, digits = 6): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  return formatNumber(signif(x, digits), Math.max(digits, R_DIGITS));
}

/**
 * A number with exactly `decimals` decimals (`sprintf("%.*f")`), `"NA"` for NaN.
 *
 * @example
 * formatFixed(0.12345, 3); // '0.123'
 */
export function formatFixed(x: number, decimals: number): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  return fixedString(x, decimals);
}

// fixest's cpp_add_commas: x rounded to r decimals, thousands separated by ",", no decimals for
// whole numbers; the decimals are the first r digits of C's "%f" of the fractional part.
function addCommas(x: number, r: number, whole: boolean): string {
  let xr = Math.round(x * pow(10, r)) / pow(10, r);
  const negative = xr < 0;
  if (negative) xr = -xr;
  const integer = Math.trunc(xr).toString();
  let out = (negative ? '-' : '') + (xr < 1000 ? integer : integer.replace(/\B(?=(\d{3})+(?!\d))/g, ','));
  if (!(whole && Number.isInteger(x)) && r > 0) out += `.${(xr - Math.floor(xr)).toFixed(6).slice(2, 2 + r)}`;
  return out;
}

/**
 * One number as fixest's `etable` prints it (fixest's `format_nber_single`): |x| ≥ 10^(digits−1)
 * rounded to 1 decimal, otherwise to `digits` significant digits; then exponent ≥ 10 or ≤ −5 →
 * `1.41e-18` (2 decimals); |x| ≥ 1 → `max(1, digits − 1 − ⌊log10|x|⌋)` decimals with thousands
 * separators (none for whole numbers); |x| > 10^−digits → `digits` decimals. NaN → `NA`; an
 * exact 0 prints as `0` (fixest would print `0e-16`).
 *
 * @example
 * etableNumber(-145.73, 4);   // '-145.7'
 * etableNumber(0.24601, 4);   // '0.2460'
 * etableNumber(1.41e-18, 4);  // '1.41e-18'
 * etableNumber(12639.97, 5);  // '12,640.0'
 */
export function etableNumber(x: number, digits = 4): string {
  if (Number.isNaN(x)) return 'NA';
  if (!Number.isFinite(x)) return x > 0 ? 'Inf' : '-Inf';
  if (x === 0) return '0';
  const whole = Number.isInteger(x);
  const value = Math.abs(x) >= pow(10, digits - 1) ? roundTo(x, 1) : signif(x, digits);
  const exponent = Math.floor(log10(Math.abs(value)));
  if (exponent >= 10 || exponent <= -5) {
    const mantissa = roundTo(value * pow(10, -exponent), Math.min(digits, 2));
    return `${mantissa}e${exponent > 0 ? '+' : ''}${exponent}`;
  }
  if (exponent >= 0) return addCommas(value, Math.max(digits - 1 - exponent, 1), whole);
  if (Math.abs(value) > pow(10, -digits)) return value.toFixed(digits);
  return value.toFixed(-exponent);
}
