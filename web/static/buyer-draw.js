// The new-tender map: shapes drawn with leaflet-geoman are listed beside the map to be named
// and kept, as a GeoJSON FeatureCollection, in the form's "shapes" field (which also takes
// typed GeoJSON: without JavaScript the form still works).
(function () {
  "use strict";
  const el = document.getElementById("draw-map");
  const field = document.getElementById("shapes");
  const list = document.getElementById("shape-list");
  const form = document.getElementById("tender-form");
  if (!el || !field || !window.L) { return; }
  const map = L.map(el, { zoomSnap: 0.25 });
  let outline = null;
  try { outline = el.dataset.outline ? JSON.parse(el.dataset.outline) : null; } catch (e) { outline = null; }
  if (outline) {
    const layer = L.geoJSON(outline, { style: { color: "#1d4f5c", weight: 2, fill: false }, interactive: false }).addTo(map);
    map.fitBounds(layer.getBounds());
  } else {
    map.setView([52.5, -1.5], 6);
  }
  map.attributionControl.addAttribution("Boundaries: ONS (OGL v3)");
  map.pm.addControls({
    position: "topleft", drawMarker: false, drawCircleMarker: false, drawPolyline: false,
    drawCircle: false, drawText: false, cutPolygon: false, rotateMode: false,
  });
  // geoman's buttons are links named only by their parent's title: give them their names
  el.querySelectorAll(".leaflet-buttons-control-button").forEach(function (button) {
    const title = button.parentElement && button.parentElement.getAttribute("title");
    if (title) { button.setAttribute("aria-label", title); }
  });
  const shapes = [];

  function sync() {
    field.value = JSON.stringify({
      type: "FeatureCollection",
      features: shapes.map(function (s) {
        return { type: "Feature", properties: { name: s.input.value.trim() }, geometry: s.layer.toGeoJSON().geometry };
      }),
    });
  }

  function add(layer, name) {
    const n = shapes.length + 1;
    const item = document.createElement("li");
    const id = "shape-name-" + n;
    const label = document.createElement("label");
    label.className = "govuk-label govuk-label--s";
    label.htmlFor = id;
    label.textContent = "Name of shape " + n + " (a lot), or leave empty for the delivery area";
    const input = document.createElement("input");
    input.className = "govuk-input govuk-input--width-20";
    input.id = id;
    input.type = "text";
    input.value = name || "";
    input.addEventListener("input", sync);
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "govuk-button govuk-button--secondary dicm-small-button";
    remove.textContent = "Remove shape " + n;
    const entry = { layer: layer, input: input };
    remove.addEventListener("click", function () {
      map.removeLayer(layer);
      shapes.splice(shapes.indexOf(entry), 1);
      item.remove();
      sync();
    });
    item.append(label, input, remove);
    list.append(item);
    shapes.push(entry);
    layer.on("pm:edit", sync);
    sync();
  }

  map.on("pm:create", function (e) { add(e.layer, ""); });
  // shapes sent back with a form that had a problem are drawn again
  if (field.value.trim()) {
    try {
      L.geoJSON(JSON.parse(field.value)).eachLayer(function (layer) {
        layer.addTo(map);
        add(layer, (layer.feature && layer.feature.properties && layer.feature.properties.name) || "");
      });
    } catch (e) { /* typed text that is not GeoJSON stays as typed; the server says why */ }
  }
  field.addEventListener("change", function () { /* typed by hand: keep as typed */ });
  form.addEventListener("submit", function () { if (shapes.length) { sync(); } });
}());
