// The coverage-gap map: the areas of the list beside it, shaded by gap; each list entry's
// button zooms the map to its area and outlines it (the words in the list carry the gap).
(function () {
  "use strict";
  const el = document.getElementById("gap-map");
  if (!el || !window.L) { return; }
  const data = JSON.parse(el.dataset.geojson || '{"type":"FeatureCollection","features":[]}');
  const map = L.map(el, { zoomSnap: 0.25 });
  map.attributionControl.addAttribution("Boundaries: ONS (OGL v3)");
  const byCode = {};
  const layer = L.geoJSON(data, {
    style: function (f) { return { color: "#505a5f", weight: 1, fillColor: f.properties.colour, fillOpacity: 0.75 }; },
    onEachFeature: function (f, l) {
      byCode[f.properties.code] = l;
      l.bindTooltip(f.properties.name + ": " + f.properties.label);
      l.on("click", function () {
        const item = document.getElementById("gap-" + f.properties.code);
        if (item) { item.scrollIntoView({ block: "nearest" }); item.classList.add("is-highlighted"); }
      });
    },
  }).addTo(map);
  if (data.features.length) { map.fitBounds(layer.getBounds()); } else { map.setView([52.5, -1.5], 6); }
  let current = null;
  document.querySelectorAll(".dicm-zoom").forEach(function (button) {
    button.addEventListener("click", function () {
      const b = button.dataset.bbox.split(",").map(Number);
      map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { maxZoom: 12 });
      if (current) { layer.resetStyle(current); }
      current = byCode[button.dataset.code] || null;
      if (current) { current.setStyle({ color: "#0b0c0c", weight: 4 }); current.bringToFront(); }
      document.querySelectorAll(".dicm-gap.is-highlighted").forEach(function (x) { x.classList.remove("is-highlighted"); });
      button.closest(".dicm-gap").classList.add("is-highlighted");
      el.dataset.zoomed = button.dataset.code;
    });
  });
}());
