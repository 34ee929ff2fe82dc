// The finder's map: numbered markers as the list, the supplier's sites; hover one, highlight the other.
// Markers are not keyboard stops (keyboard: false): the list is, and focusing a result pans to its marker.
(function () {
  var el = document.getElementById("finder-map");
  var dataEl = document.getElementById("finder-data");
  if (!el || !dataEl || !window.L) return;
  var data = JSON.parse(dataEl.textContent);
  var map = L.map(el, { attributionControl: false });
  var bounds = [];
  // A pan asked for while a zoom is animating is undone when the zoom ends (Leaflet settles on the
  // zoom's own centre), so a result focused then (a keyboard user pressing + and then Tab, or any
  // slow machine) is shown once the zoom has ended: the latest such result, if it keeps focus.
  var zooming = false, afterZoom = null;
  map.on("zoomanim", function () { zooming = true; });
  map.on("zoomend", function () {
    var pending = afterZoom;
    zooming = false;
    afterZoom = null;
    if (pending) pending();
  });
  data.sites.forEach(function (s) {
    L.circleMarker([s.lat, s.lon], { radius: 7, color: "#0b0c0c", fillColor: "#ffdd00", fillOpacity: 1 })
      .bindTooltip("Your site: " + s.name).addTo(map);
    bounds.push([s.lat, s.lon]);
  });
  data.items.forEach(function (item) {
    var cls = "dicm-marker" + (item.nearby ? " dicm-marker--nearby" : "");
    var icon = L.divIcon({ className: cls, html: String(item.rank), iconSize: [26, 26] });
    var title = item.rank + ". " + item.name + (item.nearby ? " (outside your delivery area)" : "");
    var marker = L.marker([item.lat, item.lon], { icon: icon, title: title, keyboard: false });
    var row = document.getElementById("result-" + item.rank);
    marker.on("add", function () { marker.getElement().setAttribute("data-rank", String(item.rank)); });
    marker.addTo(map);
    function light(on) {
      var markerEl = marker.getElement();
      if (row) row.classList.toggle("dicm-result--hover", on);
      if (markerEl) markerEl.classList.toggle("dicm-marker--hover", on);
      if (on) marker.setZIndexOffset(1000); else marker.setZIndexOffset(0);
    }
    marker.on("click", function () {
      if (row) { row.scrollIntoView({ behavior: "smooth", block: "nearest" }); row.focus({ preventScroll: true }); }
    });
    marker.on("mouseover", function () { light(true); });
    marker.on("mouseout", function () { light(false); });
    if (row) {
      row.addEventListener("mouseenter", function () { light(true); });
      row.addEventListener("mouseleave", function () { light(false); });
      // the list is the keyboard route to the markers: focusing a result shows its marker
      var show = function () { map.panInside(marker.getLatLng(), { padding: [30, 30], animate: false }); };
      row.addEventListener("focusin", function () {
        light(true);
        if (zooming) afterZoom = show; else show();
      });
      row.addEventListener("focusout", function (e) {
        if (row.contains(e.relatedTarget)) return;
        light(false);
        if (afterZoom === show) afterZoom = null;
      });
    }
    bounds.push([item.lat, item.lon]);
  });
  if (bounds.length) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 13 });
  else map.setView([52.5, -1.5], 6);
})();
