/* Leading Learning, session builder: the reading path file a session exports.
 *
 * The one writer of path files in the browser. text() writes the shape that
 * paths.path_file writes for `kb path plan --write` (front matter, then a note),
 * quoting any text YAML could misread exactly as paths.yaml_text does;
 * tests/test_path_file.py holds the two to the same bytes on hostile text.
 * problems() says, in the trainer's words, what would fail `kb check`, with the
 * limits the site's data publishes from the schema (KBSession.limits).
 *
 * Part of the builder's namespace (window.KBBuilder.pathFile); loadable in Node.
 */
(function (root) {
  "use strict";

  // The body of a file the builder exports.
  var NOTE = "Made with the session builder on the Leading Learning site.";

  function lib(name, file) {
    return root[name] || (typeof require === "function" ? require(file) : null);
  }

  /* `text` as one YAML scalar that reads back as exactly `text`: plain when it cannot be mistaken
   * for anything else (a number, a date, true or false), otherwise double-quoted, where JSON's
   * escapes are YAML's. Characters YAML refuses in a file or reads as line breaks are escaped
   * (JSON.stringify escapes a lone surrogate itself); everything else stays as typed (the file
   * is UTF-8). */
  function yamlText(text) {
    if (/^[A-Za-z][A-Za-z0-9 ,.;()'\u2019?!\/-]*$/.test(text) && !/[ ]$/.test(text) &&
        !/^(?:true|false|yes|no|on|off|null|y|n)$/i.test(text)) {
      return text;
    }
    return JSON.stringify(text).replace(/[\u007f-\u009f\u2028\u2029\ufffe\uffff]/g, function (c) {
      return "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4);
    });
  }

  /* The file's front matter for a session: text trimmed, empty outcomes left out. */
  function fields(session) {
    return {
      title: session.title.trim(), summary: session.summary.trim(), audience: session.audience.slice(),
      duration: session.duration,
      outcomes: session.outcomes.map(function (o) { return o.trim(); }).filter(Boolean),
      steps: session.steps.map(function (s) {
        return { article: s.article, minutes: s.minutes, when: s.when, prompt: s.prompt.trim(),
                 facilitator: s.facilitator.trim() };
      })
    };
  }

  /* The file: `fields` as front matter, then `note`. An empty prompt or note is left out: both
   * fields are optional, and an empty one is an error. */
  function text(fields, note) {
    var lines = ["---", "title: " + yamlText(fields.title), "summary: " + yamlText(fields.summary), "audience:"];
    fields.audience.forEach(function (a) { lines.push("- " + yamlText(a)); });
    lines.push("duration: " + fields.duration, "outcomes:");
    fields.outcomes.forEach(function (o) { lines.push("- " + yamlText(o)); });
    lines.push("steps:");
    fields.steps.forEach(function (s) {
      lines.push("- article: " + yamlText(s.article), "  minutes: " + s.minutes, "  when: " + yamlText(s.when));
      if (s.prompt) lines.push("  prompt: " + yamlText(s.prompt));
      if (s.facilitator) lines.push("  facilitator: " + yamlText(s.facilitator));
    });
    lines.push("---", "", note, "");
    return lines.join("\n");
  }

  function over(count, limit) {
    return limit !== null && count > limit;
  }

  function under(count, limit) {
    return limit !== null && count < limit;
  }

  /* What would fail `kb check` in the file this session makes, as sentences for the trainer;
   * every limit is the site's (from `data`). */
  function problems(session, data) {
    var limits = lib("KBSession", "./kb-session.js").limits(data);
    var file = fields(session);
    var found = [];
    if (!file.title) found.push("Give the session a title.");
    else if (over(file.title.length, limits.title)) found.push("Shorten the title to " + limits.title + " characters.");
    if (!file.summary) found.push("Write a summary of what the session is for.");
    else if (over(file.summary.length, limits.summary)) found.push("Shorten the summary to " + limits.summary + " characters.");
    if (!file.audience.length) found.push("Choose who the session is for.");
    else if (under(file.audience.length, limits.audience_min)) found.push("Choose at least " + limits.audience_min + " audiences.");
    if (over(file.audience.length, limits.audience)) found.push("Keep to " + limits.audience + " audiences.");
    if (!file.outcomes.length) found.push("Add at least one outcome.");
    else if (under(file.outcomes.length, limits.outcomes_min)) found.push("Add at least " + limits.outcomes_min + " outcomes.");
    if (over(file.outcomes.length, limits.outcomes)) found.push("Keep to " + limits.outcomes + " outcomes.");
    file.outcomes.forEach(function (o, i) {
      if (over(o.length, limits.outcome)) found.push("Shorten outcome " + (i + 1) + " to " + limits.outcome + " characters.");
    });
    if (under(file.duration, limits.duration_min)) found.push("A session lasts at least " + limits.duration_min + " minutes.");
    if (over(file.duration, limits.duration_max)) found.push("A session lasts at most " + limits.duration_max + " minutes.");
    if (!file.steps.length) found.push("Add at least one reading.");
    if (over(file.steps.length, limits.steps)) found.push("Keep to " + limits.steps + " readings.");
    file.steps.forEach(function (s, i) {
      var step = " of step " + (i + 1) + " to ";
      if (under(s.minutes, limits.minutes_min)) found.push("Raise the minutes" + step + limits.minutes_min + ".");
      if (over(s.minutes, limits.minutes_max)) found.push("Lower the minutes" + step + limits.minutes_max + ".");
      if (over(s.prompt.length, limits.prompt)) found.push("Shorten the prompt" + step + limits.prompt + " characters.");
      if (over(s.facilitator.length, limits.facilitator)) {
        found.push("Shorten the facilitator notes" + step + limits.facilitator + " characters.");
      }
    });
    return found;
  }

  /* The file's name: the title as an id, numbered past the site's own paths. */
  function fileName(title, data) {
    var normalise = lib("KBPlanner", "./kb-planner.js").normaliseTerm;
    var base = normalise(title).slice(0, 60).replace(/-+$/, "") || "my-session";
    var taken = data.paths.map(function (p) { return p.id; });
    var name = base;
    for (var n = 2; taken.indexOf(name) >= 0; n++) name = base + "-" + n;
    return name + ".md";
  }

  /* The builder's export: {name, text, problems}; the file is only offered when problems is empty. */
  function file(session, data) {
    var front = fields(session);
    return { name: fileName(front.title, data), text: text(front, NOTE), problems: problems(session, data) };
  }

  var pathFile = { NOTE: NOTE, yamlText: yamlText, fields: fields, text: text, problems: problems,
                   fileName: fileName, file: file };
  if (typeof module === "object" && module.exports) module.exports = pathFile;
  else (root.KBBuilder = root.KBBuilder || {}).pathFile = pathFile;
})(typeof window !== "undefined" ? window : this);
