// Application forms re-render their fields from the server as the user types (htmx and the
// idiomorph "morph" swap): fields appear and disappear with their conditions and problems
// are shown next to them. What the user typed stays the truth: a morph never writes the value,
// checked or selected state of a form control, so nothing typed while a check is in flight
// is lost.
Idiomorph.defaults.callbacks.beforeAttributeUpdated = function (name, element) {
  var control = element.matches && element.matches("input, select, textarea, option");
  return !(control && (name === "value" || name === "checked" || name === "selected"));
};
