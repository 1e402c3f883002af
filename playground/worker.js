// The playground's Web Worker: reads the file and runs the estimator off the main thread, so the
// page stays responsive and can draw a progress bar. It imports the self-contained browser build.
import * as cp from './causal-panel.js';

let frame;

async function readData(name, bytes) {
  const extension = /\.([a-z]+)$/i.exec(name)?.[1]?.toLowerCase();
  if (extension === 'dta') return cp.parseDta(bytes);
  if (extension === 'sav') return cp.parseSav(bytes);
  if (extension === 'parquet') return cp.parseParquet(bytes);
  return cp.parseCsv(bytes);
}

function run(method, o, onProgress) {
  const level = 0.95;
  switch (method) {
    case 'did':
      return [cp.did({ data: frame, outcome: o.outcome, unit: o.unit, time: o.time, treat: o.treat, post: o.post, covariates: o.covariates, standardize: 'control-baseline', level })];
    case 'event':
      return [cp.eventStudy({ data: frame, outcome: o.outcome, unit: o.unit, time: o.time, cohort: o.cohort, method: o.esMethod, ref: o.ref, covariates: o.covariates, level })];
    case 'attgt': {
      const cs = cp.attgt({ data: frame, outcome: o.outcome, unit: o.unit, time: o.time, cohort: o.cohort, control: o.control, method: o.csMethod, covariates: o.covariates, level });
      return [cs, cs.aggregate(o.aggregate)];
    }
    case 'match': {
      const m = cp.matchit({ formula: `${o.treat} ~ ${o.covariates.join(' + ')}`, data: frame, distance: o.distance });
      return o.outcome ? [m, m.att({ outcome: o.outcome })] : [m];
    }
    case 'mediate': {
      const controls = o.covariates.length > 0 ? ` + ${o.covariates.join(' + ')}` : '';
      return [cp.mediate({
        data: frame, treat: o.treat, mediator: o.mediator, sims: o.sims, seed: 1,
        mediatorModel: `${o.mediator} ~ ${o.treat}${controls}`,
        outcomeModel: `${o.outcome} ~ ${o.treat} + ${o.mediator}${controls}`,
        onProgress,
      })];
    }
    default:
      throw new Error(`unknown method ${method}`);
  }
}

self.onmessage = async ({ data: message }) => {
  try {
    if (message.type === 'load') {
      frame = await readData(message.name, new Uint8Array(message.bytes));
      self.postMessage({ type: 'loaded', nrow: frame.nrow, names: frame.names, numeric: frame.names.map((n) => frame.isNumeric(n)) });
      return;
    }
    const results = run(message.method, message.options, (done, total) => self.postMessage({ type: 'progress', done, total }));
    const main = results[results.length - 1];
    let etable = '';
    try { etable = cp.etable([main], { format: 'html' }); } catch { etable = ''; }
    self.postMessage({
      type: 'result',
      summary: results.map((r) => r.summary()).join('\n\n'),
      etable,
      svg: cp.plotResult(main),
      json: JSON.stringify(cp.resultRecord(results), null, 2),
      csv: cp.tidyCsv(results),
    });
  } catch (error) {
    self.postMessage({ type: 'error', message: error?.message ?? String(error) });
  }
};
