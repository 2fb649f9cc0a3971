// barograph world map: countries shaded by the events placed there (count, or mean
// Goldstein score) in the window of the page's URL. The outline is the bundled Natural
// Earth 1:110m TopoJSON (world-atlas); the figures come from /api/places/countries.
// Nothing is fetched from elsewhere and nothing runs inline (CSP).
(function () {
  "use strict";

  // app.js (loaded by every page, before this deferred script) lends its two helpers
  const { pageData, getJSON } = window.barograph;

  function fmt(n) { return n === null || n === undefined ? "" : Number(n).toLocaleString("en"); }

  // the events of one country in the page's window: the Events page with the same filters
  function eventsHref(code) {
    const q = new URLSearchParams(window.location.search);
    q.delete("shade");
    q.set("places", code);
    return "/search?" + q.toString();
  }

  function tableRows(body, countries) {
    body.textContent = "";
    countries.slice(0, 40).forEach(c => {
      const tr = document.createElement("tr");
      const name = document.createElement("td");
      const a = document.createElement("a");
      a.href = eventsHref(c.country);
      a.textContent = c.name + " (" + c.country + ")";
      name.appendChild(a);
      tr.appendChild(name);
      const cells = [fmt(c.events), fmt(c.conflict), fmt(c.cooperation),
        c.goldstein_mean === null ? "" : c.goldstein_mean.toFixed(2), (c.first || "") + (c.last && c.last !== c.first ? " – " + c.last : "")];
      cells.forEach((v, i) => {
        const td = document.createElement("td");
        td.textContent = v;
        if (i <= 3) td.className = "num";
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
  }

  async function drawMap(el, data) {
    let topo, agg;
    try {
      [topo, agg] = await Promise.all([getJSON(data.outline), getJSON(data.countries)]);
    } catch (e) {
      el.textContent = "Map not available: " + e.message;
      return;
    }
    const byNumeric = new Map(), byName = new Map();
    agg.countries.forEach(c => { if (c.numeric) byNumeric.set(String(c.numeric).padStart(3, "0"), c); byName.set(c.name, c); });
    const features = topojson.feature(topo, topo.objects.countries).features;
    const width = el.clientWidth || 900, height = Math.round(width * 0.52);
    const projection = d3.geoNaturalEarth1().fitSize([width, height], { type: "Sphere" });
    const path = d3.geoPath(projection);
    const goldstein = data.shade === "goldstein";
    const maxN = d3.max(agg.countries, c => c.events) || 1;
    const count = d3.scaleSequentialLog(d3.interpolateOrRd).domain([1, Math.max(2, maxN)]);
    const balance = d3.scaleDiverging(t => d3.interpolateRdBu(t)).domain([-6, 0, 6]).clamp(true);
    const colour = c => !c ? "#e5e7eb" : goldstein ? (c.goldstein_mean === null ? "#e5e7eb" : balance(c.goldstein_mean)) : count(Math.max(1, c.events));

    const svg = d3.select(el).append("svg").attr("viewBox", `0 0 ${width} ${height}`).attr("role", "img")
      .attr("aria-label", "World map of events by country");
    svg.append("path").attr("class", "sphere").attr("d", path({ type: "Sphere" }));
    // a country with events links to them; the others are plain shapes
    const g = svg.append("g");
    const linked = g.selectAll("a").data(features.filter(d => match(d))).join("a")
      .attr("href", d => eventsHref(match(d).country));
    const plain = g.selectAll("path.plain").data(features.filter(d => !match(d))).join("path").classed("plain", true);
    [linked.append("path"), plain].forEach(sel => sel
      .attr("class", d => "country" + (match(d) ? " has-events" : ""))
      .attr("d", path)
      .attr("data-country", d => (match(d) || {}).country || "")
      .attr("fill", d => colour(match(d)))
      .append("title").text(d => {
        const c = match(d);
        const name = (d.properties && d.properties.name) || "";
        if (!c) return name + ": no placed events";
        return `${c.name}: ${fmt(c.events)} events (${fmt(c.conflict)} conflict, ${fmt(c.cooperation)} cooperation), Goldstein mean ${c.goldstein_mean === null ? "–" : c.goldstein_mean.toFixed(2)}`;
      }));

    function match(d) {
      return (d.id !== undefined && byNumeric.get(String(d.id))) || byName.get((d.properties || {}).name) || null;
    }

    const shown = new Set(features.map(match).filter(Boolean).map(c => c.country));
    const off = agg.countries.filter(c => !shown.has(c.country));
    const cov = document.getElementById("map-coverage");
    if (cov) {
      const share = agg.events ? Math.round(100 * agg.located / agg.events) : 0;
      cov.textContent = `${fmt(agg.located)} of ${fmt(agg.events)} events have a place (${share}%); ${fmt(agg.unlocated)} have none and are not on the map.` +
        (off.length ? ` Too small for the outline: ${off.map(c => c.name + " " + fmt(c.events)).join(", ")}.` : "");
    }
    const body = document.querySelector("#map-table tbody");
    if (body) tableRows(body, agg.countries);
    el.dataset.drawn = String(shown.size);
  }

  document.addEventListener("DOMContentLoaded", () => {
    const el = document.getElementById("worldmap");
    if (el) drawMap(el, pageData());
  });
})();
