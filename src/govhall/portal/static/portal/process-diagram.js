/* govhall — draws a case's BPMN process with bpmn-js (NavigatedViewer) and highlights the
 * steps the case waits for. Progressive enhancement: the page lists the same steps as text,
 * the canvas stays hidden until the diagram is drawn. No inline script: the XML and the
 * highlighted element ids come from json_script elements named by data attributes.
 */
(function () {
  "use strict";

  var MARKER = "govhall-current";

  var MIN_HEIGHT = 140;
  var MAX_HEIGHT = 520;

  // The canvas takes the height the drawing needs at the available width (never zoomed in
  // beyond 100%), so a long standard process is not lost in a tall empty box and a joint
  // process with parallel branches is not squeezed. On a narrow screen the drawing keeps a
  // readable size (MIN_SCALE) and is moved so that the current step is in view; the rest
  // is reached by dragging or with the arrow keys.
  var MIN_SCALE = 0.7;

  function fitHeight(canvas, container, current) {
    var inner = canvas.viewbox().inner;
    if (!inner || !inner.width) {
      return;
    }
    var fit = Math.min(1, (container.clientWidth - 32) / inner.width);
    var scale = Math.max(fit, MIN_SCALE);
    var height = Math.round(inner.height * scale + 88);  // room for the bpmn.io logo
    container.style.height = Math.max(MIN_HEIGHT, Math.min(MAX_HEIGHT, height)) + "px";
    canvas.resized();
    canvas.zoom("fit-viewport", "auto");
    if (fit < MIN_SCALE) {
      canvas.zoom(MIN_SCALE);
      var box = canvas.viewbox();
      var focus = current.length ? current[0] : inner;
      canvas.viewbox({
        x: focus.x + focus.width / 2 - box.width / 2,
        y: inner.y + inner.height / 2 - box.height / 2,
        width: box.width,
        height: box.height
      });
    }
  }

  function readJson(id) {
    var element = id && document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  async function draw(figure) {
    var xml = readJson(figure.dataset.xml);
    var current = readJson(figure.dataset.current) || [];
    var container = figure.querySelector(".process-diagram__canvas");
    var toolbar = figure.querySelector(".process-diagram__toolbar");
    if (!xml || !container || typeof window.BpmnJS !== "function") {
      return;
    }
    container.hidden = false;
    var viewer = new window.BpmnJS({ container: container });
    try {
      await viewer.importXML(xml);
    } catch (error) {
      container.hidden = true;
      viewer.destroy();
      var failed = figure.querySelector(".process-diagram__failed");
      if (failed) {
        failed.textContent = figure.dataset.failed || "";
        failed.hidden = false;
      }
      return;
    }
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    var names = [];
    var shown = [];
    current.forEach(function (id) {
      var element = registry.get(id);
      if (element) {
        shown.push(element);
        canvas.addMarker(id, MARKER);
        if (element.businessObject && element.businessObject.name) {
          names.push(element.businessObject.name);
        }
      }
    });
    fitHeight(canvas, container, shown);

    // The drawing is focusable (arrow keys move it): name it, and point to the text list.
    var svg = container.querySelector("svg");
    if (svg) {
      var label = figure.dataset.label || "";
      if (names.length) {
        label += " " + (figure.dataset.currentLabel || "") + ": " + names.join("、");
      }
      svg.setAttribute("role", "img");
      svg.setAttribute("aria-label", label.trim());
      svg.setAttribute("aria-describedby", "process-steps");
    }

    if (toolbar) {
      toolbar.hidden = false;
      toolbar.addEventListener("click", function (event) {
        var button = event.target.closest("button[data-zoom]");
        if (!button) {
          return;
        }
        var zoom = button.dataset.zoom;
        if (zoom === "fit") {
          canvas.zoom("fit-viewport", "auto");  // the whole process, however small
        } else {
          canvas.zoom(canvas.zoom() * (zoom === "in" ? 1.25 : 0.8));
        }
      });
    }
    figure.classList.add("process-diagram--ready");
  }

  function start() {
    document.querySelectorAll("[data-process-diagram]").forEach(function (figure) {
      draw(figure);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
