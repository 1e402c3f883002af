// The playground page: picks the data and the method, sends them to the worker, shows the results.
const $ = (id) => document.getElementById(id);
const worker = new Worker('./worker.js', { type: 'module' });
let columns = [];
let last;

const FIELDS = {
  did: [['outcome', 'Outcome', ['y', 'lemp', 're78']], ['unit', 'Unit', ['id', 'unit', 'countyreal', 'school']], ['time', 'Time', ['period', 'year', 'time']], ['treat', 'Treated group (0/1)', ['treat', 'treated']], ['post', 'Post period (0/1)', ['post']], ['covariates', 'Covariates', []]],
  event: [['outcome', 'Outcome', ['y', 'lemp']], ['unit', 'Unit', ['id', 'unit', 'countyreal']], ['time', 'Time', ['period', 'year']], ['cohort', 'First treated period (0 = never)', ['first.treat', 'cohort', 'year_treated']], ['esMethod', 'Estimator', null, ['twfe', 'sunab']], ['ref', 'Reference period', null, null, -1], ['covariates', 'Covariates', []]],
  attgt: [['outcome', 'Outcome', ['lemp', 'y']], ['unit', 'Unit', ['countyreal', 'id', 'unit']], ['time', 'Time', ['year', 'period']], ['cohort', 'First treated period (0 = never)', ['first.treat', 'cohort']], ['control', 'Comparison group', null, ['never', 'notyet']], ['csMethod', 'Estimator', null, ['dr', 'ipw', 'reg']], ['aggregate', 'Aggregation', null, ['dynamic', 'simple', 'group', 'calendar']], ['covariates', 'Covariates', []]],
  match: [['treat', 'Treatment (0/1)', ['treat']], ['covariates', 'Covariates', ['age', 'educ', 'race', 'married', 'nodegree', 're74', 're75']], ['outcome', 'Outcome (optional: matched ATT)', ['re78']], ['distance', 'Distance', null, ['logit', 'probit', 'mahalanobis']]],
  mediate: [['treat', 'Treatment', ['treat']], ['mediator', 'Mediator', ['job_seek']], ['outcome', 'Outcome', ['depress2']], ['covariates', 'Covariates', ['econ_hard', 'sex', 'age']], ['sims', 'Simulations', null, null, 200]],
};

function guess(candidates) {
  return candidates.find((c) => columns.includes(c)) ?? '';
}

function renderFields() {
  const method = $('method').value;
  const box = $('fields');
  box.replaceChildren();
  for (const [key, label, candidates, choices, number] of FIELDS[method]) {
    const wrap = document.createElement('label');
    wrap.textContent = label;
    let input;
    if (key === 'covariates') {
      input = document.createElement('select');
      input.multiple = true;
      input.size = Math.min(6, Math.max(columns.length, 2));
      for (const name of columns) input.append(new Option(name, name, false, candidates.includes(name)));
    } else if (choices) {
      input = document.createElement('select');
      for (const c of choices) input.append(new Option(c, c));
    } else if (number !== undefined) {
      input = document.createElement('input');
      input.type = 'number';
      input.value = String(number);
    } else {
      input = document.createElement('select');
      if (key === 'outcome' && method === 'match') input.append(new Option('(none)', ''));
      for (const name of columns) input.append(new Option(name, name));
      input.value = guess(candidates);
    }
    input.id = `field-${key}`;
    wrap.append(input);
    box.append(wrap);
  }
  $('run').disabled = columns.length === 0;
}

function readFields() {
  const options = {};
  for (const [key, , , choices, number] of FIELDS[$('method').value]) {
    const input = $(`field-${key}`);
    if (key === 'covariates') options[key] = [...input.selectedOptions].map((o) => o.value);
    else if (number !== undefined && !choices) options[key] = Number(input.value);
    else options[key] = input.value;
  }
  return options;
}

function load(name, bytes) {
  $('status').textContent = `reading ${name}…`;
  $('status').className = '';
  worker.postMessage({ type: 'load', name, bytes }, [bytes]);
  $('data-info').textContent = '';
  $('data-info').dataset.name = name;
}

worker.onmessage = ({ data: message }) => {
  if (message.type === 'loaded') {
    columns = message.names;
    $('data-info').textContent = `${$('data-info').dataset.name}: ${message.nrow} rows; columns ${columns.join(', ')}`;
    $('status').textContent = 'ready';
    renderFields();
  } else if (message.type === 'progress') {
    $('progress').hidden = false;
    $('progress').value = message.done / message.total;
  } else if (message.type === 'result') {
    last = message;
    $('progress').value = 1;
    $('status').textContent = 'done';
    $('output').hidden = false;
    $('summary').textContent = message.summary;
    $('etable').innerHTML = message.etable;
    $('plot').innerHTML = message.svg.replace(/^<\?xml[^>]*>\s*/, '');
    $('json').textContent = message.json;
    $('run').disabled = false;
  } else if (message.type === 'error') {
    $('status').textContent = message.message;
    $('status').className = 'error';
    $('progress').hidden = true;
    $('run').disabled = false;
  }
};

$('dataset').addEventListener('change', async (event) => {
  const name = event.target.value;
  if (!name) return;
  const response = await fetch(`./data/${name}`);
  load(name, await response.arrayBuffer());
});
$('file').addEventListener('change', async (event) => {
  const file = event.target.files[0];
  if (file) load(file.name, await file.arrayBuffer());
});
const drop = $('drop');
drop.addEventListener('dragover', (event) => { event.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', async (event) => {
  event.preventDefault();
  drop.classList.remove('over');
  const file = event.dataTransfer.files[0];
  if (file) load(file.name, await file.arrayBuffer());
});
$('method').addEventListener('change', renderFields);
$('run').addEventListener('click', () => {
  $('run').disabled = true;
  $('progress').hidden = false;
  $('progress').value = 0;
  $('status').textContent = 'running…';
  $('status').className = '';
  worker.postMessage({ type: 'run', method: $('method').value, options: readFields() });
});
for (const button of document.querySelectorAll('[data-download]')) {
  button.addEventListener('click', () => {
    if (!last) return;
    const kind = button.dataset.download;
    const body = kind === 'json' ? last.json : kind === 'svg' ? last.svg : last.csv;
    const type = kind === 'json' ? 'application/json' : kind === 'svg' ? 'image/svg+xml' : 'text/csv';
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([body], { type }));
    link.download = `causal-panel-result.${kind}`;
    link.click();
    URL.revokeObjectURL(link.href);
  });
}
