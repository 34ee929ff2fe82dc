// The finder's map: numbered markers as the list, the supplier's sites; hover one, highlight the other.
// Markers are not keyboard stops (keyboard: false): the list is, and focusing a result pans to its marker.
(function () {
  var el = document.getElementById("finder-map");
  var dataEl = document.getElementById("finder-data");
  if (!el || !dataEl || !window.L) return;
  var data = JSON.parse(dataEl.textContent);
  var map = L.map(el, { attributionControl: false });
  var bounds = [];
  // Leaflet is animating a zoom while its map pane has this class. Asked of the pane rather than
  // tracked from events: when + is pressed twice before the zoom's first frame, Leaflet ends the
  // second, empty animation inside its own "zoomanim" handler, so listeners get "zoomend" BEFORE
  // "zoomanim" (a flag set on "zoomanim" then stayed set, and every later pan waited for a
  // "zoomend" that never came).
  function zooming() { return L.DomUtil.hasClass(map.getPane("mapPane"), "leaflet-zoom-anim"); }
  // Focusing a result shows its marker, and shows it again while that result (the latest one
  // focused) keeps focus: a pan made during a zoom, or in the frame before a requested zoom starts
  // (+ then Tab, or a slow machine), is undone when the zoom settles on its own centre, so it is
  // made again a frame after such a zoom (a frame later: Leaflet moves the map once more after an
  // early "zoomend").
  var revealing = null;
  function reveal(row, show) {
    revealing = row;
    function step() {
      if (revealing !== row || !row.contains(document.activeElement)) return;
      if (zooming()) {
        map.once("zoomend", function () { requestAnimationFrame(step); });
        return;
      }
      show();
      var zoomed = false;
      var noteZoom = function () { zoomed = true; };
      map.on("zoomstart", noteZoom);
      requestAnimationFrame(function () {
        map.off("zoomstart", noteZoom);
        if (zoomed) step();
      });
    }
    step();
  }
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
        reveal(row, show);
      });
      row.addEventListener("focusout", function (e) {
        if (row.contains(e.relatedTarget)) return;
        light(false);
      });
    }
    bounds.push([item.lat, item.lon]);
  });
  if (bounds.length) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 13 });
  else map.setView([52.5, -1.5], 6);
})();
