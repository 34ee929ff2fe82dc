// The finder's map: numbered markers as the list, the supplier's sites; hover one, highlight the other.
(function () {
  var el = document.getElementById("finder-map");
  var dataEl = document.getElementById("finder-data");
  if (!el || !dataEl || !window.L) return;
  var data = JSON.parse(dataEl.textContent);
  var map = L.map(el, { attributionControl: false });
  var bounds = [];
  data.sites.forEach(function (s) {
    L.circleMarker([s.lat, s.lon], { radius: 7, color: "#0b0c0c", fillColor: "#ffdd00", fillOpacity: 1 })
      .bindTooltip("Your site: " + s.name).addTo(map);
    bounds.push([s.lat, s.lon]);
  });
  data.items.forEach(function (item) {
    var icon = L.divIcon({ className: "dicm-marker", html: String(item.rank), iconSize: [26, 26] });
    var marker = L.marker([item.lat, item.lon], { icon: icon, title: item.rank + ". " + item.name, keyboard: false }).addTo(map);
    var row = document.getElementById("result-" + item.rank);
    marker.on("click", function () { if (row) row.scrollIntoView({ behavior: "smooth", block: "nearest" }); });
    marker.on("mouseover", function () { if (row) row.classList.add("dicm-result--hover"); });
    marker.on("mouseout", function () { if (row) row.classList.remove("dicm-result--hover"); });
    if (row) {
      row.addEventListener("mouseenter", function () { marker.getElement().classList.add("dicm-marker--hover"); });
      row.addEventListener("mouseleave", function () { marker.getElement().classList.remove("dicm-marker--hover"); });
    }
    bounds.push([item.lat, item.lon]);
  });
  if (bounds.length) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 13 });
  else map.setView([52.5, -1.5], 6);
})();
