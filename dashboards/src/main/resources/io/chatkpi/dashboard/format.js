// Formatting and DOM helpers of the dashboard. Figures come from the API in ms and ratios; shown in s / min and %.

const integer = new Intl.NumberFormat('en-US');

export function fmtInt(n) {
  return n === null || n === undefined ? '–' : integer.format(n);
}

/** A duration in seconds: "8.5 s", "42 s", "2 min 05 s", "1 h 02 min". */
export function fmtSeconds(s) {
  if (s === null || s === undefined || Number.isNaN(s)) return '–';
  if (s < 10) return (Math.round(s * 10) / 10).toFixed(s % 1 === 0 ? 0 : 1) + ' s';
  if (s < 60) return Math.round(s) + ' s';
  const total = Math.round(s);
  if (total < 3600) return Math.floor(total / 60) + ' min ' + String(total % 60).padStart(2, '0') + ' s';
  if (total < 86400) {
    return Math.floor(total / 3600) + ' h ' + String(Math.floor((total % 3600) / 60)).padStart(2, '0') + ' min';
  }
  return Math.floor(total / 86400) + ' d ' + String(Math.floor((total % 86400) / 3600)).padStart(2, '0') + ' h';
}

export function fmtMs(ms) {
  return ms === null || ms === undefined ? '–' : fmtSeconds(ms / 1000);
}

export function fmtPct(ratio) {
  return ratio === null || ratio === undefined ? '–' : (ratio * 100).toFixed(1) + ' %';
}

/** A tile's change against the previous period: relative for counts and times, percentage points for rates. */
export function fmtChange(ch, isRate) {
  if (!ch || ch.previous === null || ch.previous === undefined) return 'no previous figure';
  if (ch.delta === null || ch.delta === undefined) return 'no previous figure';
  if (ch.delta === 0) return '= previous period';
  const arrow = ch.delta > 0 ? '▲' : '▼';
  if (isRate) return arrow + ' ' + Math.abs(ch.delta * 100).toFixed(1) + ' pp vs previous';
  if (ch.relative === null || ch.relative === undefined) return arrow + ' from 0 in previous period';
  return arrow + ' ' + Math.abs(ch.relative * 100).toFixed(1) + ' % vs previous';
}

/** document.createElement with attributes (null/undefined skipped, on* as listeners) and children. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}
