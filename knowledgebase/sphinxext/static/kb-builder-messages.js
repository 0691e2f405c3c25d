/* Leading Learning, session builder: how the builder words the planner's refusals.
 *
 * The planner (kb-planner.js, like paths.plan_path) refuses a request with a code
 * and parameters, never with words; `kb path plan` words them for the command
 * line (commands/path.py) and this table words them for the builder. A test holds
 * the codes here to the engine's (tests/test_session_limits.py).
 *
 * Part of the builder's namespace (window.KBBuilder.messages); loadable in Node.
 */
(function (root) {
  "use strict";

  // Why a request cannot be met, by the planner's code; {name} is filled from its parameters.
  var PLAN_ERRORS = {
    "no-concepts": "no concept was chosen",
    "unknown-concept": "unknown concept `{term}`; {hint}",
    "unknown-audience": "unknown audience `{audience}`; {hint}",
    "no-articles": "no article is tagged with {concepts}",
    "too-short": "{minutes} minutes is shorter than the shortest useful reading on these concepts " +
                 "({shortest} minutes with discussion); allow at least {shortest}"
  };
  // Said instead of a suggestion when no name is close to what was typed.
  var FALLBACKS = { "unknown-concept": "run `kb concepts` to list them", "unknown-audience": "see content/audiences/" };

  function fill(template, values) {
    return template.replace(/\{([a-z_]+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  /* The reason a PlanError gives ({code, params}), as a clause. */
  function planError(error) {
    var params = Object.assign({}, error.params);
    if (Object.prototype.hasOwnProperty.call(FALLBACKS, error.code)) {
      params.hint = params.suggestion ? "did you mean `" + params.suggestion + "`?" : FALLBACKS[error.code];
    }
    if (Array.isArray(params.concepts)) params.concepts = params.concepts.join(", ");
    var template = Object.prototype.hasOwnProperty.call(PLAN_ERRORS, error.code) ? PLAN_ERRORS[error.code] : error.code;
    return fill(template, params);
  }

  /* What the draft form says when the planner refuses a draft. */
  function draftError(error) {
    return error.code === "no-concepts" ? "Choose at least one concept first."
      : "This session cannot be drafted: " + planError(error) + ".";
  }

  /* What the draft form says when a typed concept names none. */
  function unknownConcept(typed, error) {
    return "No concept matches \u201c" + typed + "\u201d: " + planError(error) + ".";
  }

  var messages = { PLAN_ERRORS: PLAN_ERRORS, planError: planError, draftError: draftError, unknownConcept: unknownConcept };
  if (typeof module === "object" && module.exports) module.exports = messages;
  else (root.KBBuilder = root.KBBuilder || {}).messages = messages;
})(typeof window !== "undefined" ? window : this);
