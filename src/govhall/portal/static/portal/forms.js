// Application forms re-render their fields from the server as the user types (htmx and the
// idiomorph "morph" swap): fields appear and disappear with their conditions and problems
// are shown next to them. What the user typed stays the truth: a morph never writes the value,
// checked or selected state of a form control, so nothing typed while a check is in flight
// is lost.
Idiomorph.defaults.callbacks.beforeAttributeUpdated = function (name, element) {
  var control = element.matches && element.matches("input, select, textarea, option");
  return !(control && (name === "value" || name === "checked" || name === "selected"));
};

// A check that fails (the server answers 503 during a database restart, or cannot be reached)
// swaps nothing: say so next to the fields instead of leaving stale problems unexplained, and
// take the notice away once a check succeeds again.
(function () {
  function notice() {
    return document.getElementById("form-fields-unchecked");
  }
  function show(visible) {
    var element = notice();
    if (element) {
      element.hidden = !visible;
    }
  }
  document.addEventListener("htmx:responseError", function () { show(true); });
  document.addEventListener("htmx:sendError", function () { show(true); });
  document.addEventListener("htmx:afterSwap", function () { show(false); });
})();
