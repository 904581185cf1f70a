// Fits a Markdown plan (or drift report) into one GitHub comment, whose body may hold at most
// 65,536 characters: the statements section is folded away first, then the text is cut at a line
// boundary (closing an open code fence), always saying where the full text is. The comment starts
// with MARKER, by which the next run finds and updates it instead of adding another.
'use strict';

const MARKER = '<!-- kuzu-migrate -->';
const LIMIT = 65536;

/**
 * @param {string} markdown  the Markdown written by `kuzu-migrate plan --format markdown` or `drift --format markdown`
 * @param {string} fullAt    where the unabridged text is, e.g. "the artifact kuzu-plan-<sha> of this run"
 * @param {number} [limit]   maximum characters of the result (GitHub's limit by default)
 * @returns {string} MARKER + markdown, at most `limit` characters
 */
function foldComment(markdown, fullAt, limit = LIMIT) {
  const head = MARKER + '\n';
  let body = markdown;
  if (head.length + body.length <= limit) return head + body;
  const note = (what) => `\n\n> [!NOTE]\n> ${what}; the full text is in ${fullAt}.\n`;
  // 1. Drop the folded statements: reviewers read them in the artifact.
  const details = /<details><summary>Statements[\s\S]*?<\/details>\n?/;
  if (details.test(body)) {
    body = body.replace(details, '') + note('The statements are left out to fit a GitHub comment');
    if (head.length + body.length <= limit) return head + body;
  }
  // 2. Cut at a line boundary, leaving room for the note and a closing fence.
  const tail = note('This comment is cut to fit GitHub\'s 65,536-character limit');
  const room = limit - head.length - tail.length - 8;
  let cut = body.slice(0, room);
  cut = cut.slice(0, Math.max(0, cut.lastIndexOf('\n')));
  const fences = (cut.match(/^```/gm) || []).length;
  if (fences % 2 === 1) cut += '\n```';
  return head + cut + tail;
}

module.exports = { foldComment, MARKER, LIMIT };
