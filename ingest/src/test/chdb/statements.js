'use strict';
// Splits a .sql resource into statements exactly as SqlResources.statements does in Java: lines starting with --
// are dropped; a statement ends with ; at a line end. Shared by the chdb checks so both split as the project does.

function statements(sql) {
  const out = [];
  let current = [];
  for (const line of sql.split(/\r\n|\r|\n/)) {
    if (line.trim().startsWith('--')) continue;
    const end = /;[ \t]*$/.exec(line);
    if (end) {
      current.push(line.slice(0, end.index));
      push(out, current);
      current = [];
    } else {
      current.push(line);
    }
  }
  push(out, current);
  return out;
}

function push(out, lines) {
  const s = lines.join('\n').trim();
  if (s) out.push(s);
}

module.exports = { statements };
