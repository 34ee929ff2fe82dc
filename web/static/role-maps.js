// The maps of the provider, validator and PCC pages: one small script, no page logic.
// A map is <div data-role-map data-source="ID" [data-outlines="ID"] [data-pick] [data-target="#panel"]>;
// its features come from <script type="application/json" id="ID">. Every feature has the id of
// an element of the list beside it ([data-feature="ID"], a link): hovering or focusing one
// highlights the other, clicking a feature follows (or, with data-target, loads by htmx) that
// link. data-pick: a click on the map fills the form's #lon and #lat and says so in #pick-status.
(function () {
  "use strict";
  var UK = [[49.8, -8.7], [60.9, 1.8]];
  var PIN = { radius: 10, color: "#0b0c0c", weight: 3, fillColor: "#ffdd00", fillOpacity: 1 };

  function json(id) {
    var el = id && document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function linkFor(id) {
    return document.querySelector('a[data-feature="' + CSS.escape(String(id)) + '"]');
  }

  function follow(mapEl, id) {
    var link = linkFor(id);
    if (!link) { return; }
    if (mapEl.dataset.target && window.htmx) {
      window.htmx.ajax("GET", link.getAttribute("href"), { target: mapEl.dataset.target, swap: "innerHTML" });
    } else {
      window.location.assign(link.getAttribute("href"));
    }
  }

  function style(feature) {
    var p = feature.properties || {};
    return { color: "#0b0c0c", weight: 1, fillColor: p.fill || "#1d70b8", fillOpacity: p.fill ? 0.75 : 0.5 };
  }

  function init(mapEl) {
    var map = L.map(mapEl, { zoomSnap: 0.25 });
    var byId = {};
    var outlines = json(mapEl.dataset.outlines);
    var base = null;
    if (outlines && outlines.features.length) {
      base = L.geoJSON(outlines, {
        style: function () { return { color: "#505a5f", weight: 1, fill: true, fillColor: "#f3f2f1", fillOpacity: 0.6 }; },
        onEachFeature: function (f, layer) {
          layer.bindTooltip(f.properties.name);
          if (linkFor(f.id)) { layer.on("click", function () { follow(mapEl, f.id); }); }
        }
      }).addTo(map);
    }
    var data = json(mapEl.dataset.source) || { type: "FeatureCollection", features: [] };
    var layer = L.geoJSON(data, {
      style: style,
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, { radius: 8, color: "#0b0c0c", weight: 2, fillColor: "#1d70b8", fillOpacity: 0.9 });
      },
      onEachFeature: function (f, lyr) {
        byId[f.id] = lyr;
        if (f.properties && f.properties.label) { lyr.bindTooltip(f.properties.label); }
        lyr.on("click", function (e) { L.DomEvent.stopPropagation(e); follow(mapEl, f.id); });
      }
    }).addTo(map);
    var bounds = data.features.length ? layer.getBounds() : (base ? base.getBounds() : null);
    if (base && data.features.length) { bounds = bounds.extend(base.getBounds()); }
    if (bounds && bounds.isValid()) {
      map.fitBounds(bounds, { padding: [16, 16], maxZoom: 13 });
    } else {
      map.fitBounds(UK);
    }
    (mapEl.closest(".govuk-main-wrapper") || document).querySelectorAll("[data-feature]").forEach(function (item) {
      var id = item.dataset.feature;
      var on = function () { var l = byId[id]; if (l && l.setStyle) { l.setStyle({ weight: 4, color: "#ffdd00" }); } };
      var off = function () { var l = byId[id]; if (l && l.setStyle) { l.setStyle({ weight: l.feature.geometry.type === "Point" ? 2 : 1, color: "#0b0c0c" }); } };
      item.addEventListener("mouseenter", on);
      item.addEventListener("focus", on);
      item.addEventListener("mouseleave", off);
      item.addEventListener("blur", off);
    });
    if (mapEl.hasAttribute("data-pick")) { pick(map, mapEl); }
    mapEl._dicmMap = map;
  }

  function pick(map, mapEl) {
    var lon = document.getElementById("lon");
    var lat = document.getElementById("lat");
    var status = document.getElementById("pick-status");
    var marker = null;
    if (lon && lat && lon.value && lat.value) {
      marker = L.circleMarker([+lat.value, +lon.value], PIN).addTo(map);
    }
    map.on("click", function (e) {
      var y = e.latlng.lat.toFixed(5);
      var x = e.latlng.lng.toFixed(5);
      lon.value = x;
      lat.value = y;
      if (marker) { marker.setLatLng(e.latlng); } else { marker = L.circleMarker(e.latlng, PIN).addTo(map); }
      if (status) {
        status.textContent = "Placed on the map at latitude " + y + ", longitude " + x +
          ". Leave the postcode or place name empty to use this point.";
      }
    });
  }

  function start(root) {
    root.querySelectorAll("[data-role-map]").forEach(function (el) {
      if (!el._dicmMap) { init(el); }
    });
  }
  // content swapped in by htmx (the PCC filters) brings its own map: start it too
  document.body.addEventListener("htmx:afterSettle", function (e) { start(e.target); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { start(document); });
  } else {
    start(document);
  }
})();
