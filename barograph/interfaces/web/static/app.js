// barograph dashboard charts. Data comes from the JSON API or from the page's
// <script type="application/json" id="page-data"> block; nothing runs inline (CSP).
(function () {
  "use strict";

  const QUAD = {
    1: { name: "verbal cooperation", color: "#6baed6" },
    2: { name: "material cooperation", color: "#1a9850" },
    3: { name: "verbal conflict", color: "#fdae61" },
    4: { name: "material conflict", color: "#d73027" },
  };
  // net cooperation index, -1 (all conflict) .. +1 (all cooperation)
  const netColor = d3.scaleLinear().domain([-1, -0.15, 0.15, 1])
    .range(["#d73027", "#b0a8a0", "#a8b4bc", "#2c7fb8"]).clamp(true);

  function pageData() {
    const el = document.getElementById("page-data");
    return el ? JSON.parse(el.textContent) : {};
  }

  async function getJSON(url) {
    const r = await fetch(url, { headers: { Accept: "application/json" } });
    if (!r.ok) {
      let detail = r.statusText;
      try { detail = (await r.json()).detail || detail; } catch (e) { /* not JSON */ }
      throw new Error(detail);
    }
    return r.json();
  }
  // shared with the page scripts that load after this one (map.js)
  window.barograph = Object.assign(window.barograph || {}, { pageData, getJSON });

  function note(el, text) {
    el.textContent = "";
    const p = document.createElement("p");
    p.className = "muted";
    p.textContent = text;
    el.appendChild(p);
  }

  function netOf(e) {
    if (e.net_index !== undefined && e.net_index !== null) return e.net_index;
    if (e.goldstein_mean !== undefined && e.goldstein_mean !== null) return e.goldstein_mean / 10;
    return 0;
  }

  function actorHref(code) { return "/actor/" + encodeURIComponent(code); }

  // ---- overview: the actor network -------------------------------------------------------
  // the top actors (by events in the window) and the edges among them; top = 0: every actor
  function topOfNetwork(data, top) {
    if (!top || data.nodes.length <= top) return { nodes: data.nodes, edges: data.edges };
    const keep = new Set(data.nodes.slice().sort((a, b) => b.events - a.events).slice(0, top).map(d => d.id));
    const edges = data.edges.filter(e => keep.has(e.source) && keep.has(e.target));
    const used = new Set(); edges.forEach(e => { used.add(e.source); used.add(e.target); });
    return { nodes: data.nodes.filter(d => used.has(d.id)), edges };
  }

  // labels placed greedily, busiest actor first, at the first of eight spots around its
  // circle that overlaps no label or circle already placed; an actor with no free spot keeps
  // its name in the tooltip only, so no two labels ever overlap
  function placeLabels(nodes, radius, width, height) {
    const boxes = nodes.map(d => ({ x0: d.x - radius(d.events), y0: d.y - radius(d.events), x1: d.x + radius(d.events), y1: d.y + radius(d.events) }));
    const hit = (a, b) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
    const placed = [];
    nodes.slice().sort((a, b) => b.events - a.events).forEach(d => {
      const w = 6.6 * String(d.id).length + 4, h = 13, r = radius(d.events) + 3;
      const spots = [[r, -h / 2], [-r - w, -h / 2], [-w / 2, -r - h], [-w / 2, r], [r, -h], [r, 0], [-r - w, -h], [-r - w, 0]];
      if (2 * radius(d.events) >= w) spots.unshift([-w / 2, -h / 2]); // a big actor's name sits on its own circle
      for (const [dx, dy] of spots) {
        const b = { x0: d.x + dx, y0: d.y + dy, x1: d.x + dx + w, y1: d.y + dy + h };
        if (b.x0 < 0 || b.y0 < 0 || b.x1 > width || b.y1 > height) continue;
        if (placed.some(p => hit(p, b)) || boxes.some((c, i) => nodes[i] !== d && hit(c, b))) continue;
        placed.push(b);
        d.label = { x: b.x0 + 2, y: b.y0 + h - 3 };
        return;
      }
      d.label = null;
    });
    return placed;
  }

  async function drawNetwork(el, top) {
    let data;
    try { data = await getJSON(el.dataset.src); } catch (e) { note(el, "Network not available: " + e.message); return; }
    if (!data.edges.length) { note(el, "No relations to draw yet."); return; }
    data = topOfNetwork(data, top);
    el.textContent = "";
    const width = el.clientWidth || 800, height = Math.max(380, Math.min(560, width * 0.6));
    const nodes = data.nodes.map(d => Object.assign({}, d));
    const links = data.edges.map(d => Object.assign({}, d));
    const maxN = d3.max(nodes, d => d.events) || 1, maxE = d3.max(links, d => d.events) || 1;
    const r = d3.scaleSqrt().domain([0, maxN]).range([3, 22]);
    const w = d3.scaleSqrt().domain([0, maxE]).range([0.6, 7]);

    const sim = d3.forceSimulation(nodes)
      .force("link", d3.forceLink(links).id(d => d.id).distance(70).strength(0.25))
      .force("charge", d3.forceManyBody().strength(-260))
      .force("center", d3.forceCenter(width / 2, height / 2))
      .force("x", d3.forceX(width / 2).strength(0.06)).force("y", d3.forceY(height / 2).strength(0.09)) // keep lone pairs near
      .force("collide", d3.forceCollide().radius(d => r(d.events) + 10))
      .stop();
    for (let i = 0; i < 300; i++) sim.tick();
    // fit whatever the layout produced into the box
    const xs = d3.extent(nodes, d => d.x), ys = d3.extent(nodes, d => d.y), pad = 36;
    const k = Math.min((width - 2 * pad) / ((xs[1] - xs[0]) || 1), (height - 2 * pad) / ((ys[1] - ys[0]) || 1), 1.6);
    const cx = (xs[0] + xs[1]) / 2, cy = (ys[0] + ys[1]) / 2;
    nodes.forEach(d => { d.x = width / 2 + (d.x - cx) * k; d.y = height / 2 + (d.y - cy) * k; });

    const svg = d3.select(el).append("svg").attr("viewBox", [0, 0, width, height])
      .attr("role", "img").attr("aria-label", "Actor network, edges coloured from cooperation to conflict");
    const defs = svg.append("defs");
    ["coop", "mid", "conf"].forEach((id, i) => {
      defs.append("marker").attr("id", "arrow-" + id).attr("viewBox", "0 -4 8 8").attr("refX", 8)
        .attr("markerUnits", "userSpaceOnUse").attr("markerWidth", 9).attr("markerHeight", 9).attr("orient", "auto")
        .append("path").attr("d", "M0,-4L8,0L0,4").attr("fill", [netColor(1), netColor(0), netColor(-1)][i]);
    });
    const link = svg.append("g").attr("class", "links").selectAll("path").data(links).join("path")
      .attr("fill", "none").attr("stroke", d => netColor(netOf(d))).attr("stroke-opacity", 0.75)
      .attr("stroke-width", d => w(d.events))
      .attr("marker-end", d => "url(#arrow-" + (netOf(d) > 0.15 ? "coop" : netOf(d) < -0.15 ? "conf" : "mid") + ")")
      .attr("d", d => {
        const dx = d.target.x - d.source.x, dy = d.target.y - d.source.y, len = Math.hypot(dx, dy) || 1;
        const tr = r(d.target.events) + 2;
        const tx = d.target.x - dx / len * tr, ty = d.target.y - dy / len * tr;
        const bend = len * 0.12; // curve so A->B and B->A do not overlap
        const mx = (d.source.x + tx) / 2 - dy / len * bend, my = (d.source.y + ty) / 2 + dx / len * bend;
        return `M${d.source.x},${d.source.y}Q${mx},${my} ${tx},${ty}`;
      });
    link.append("title").text(d => `${d.source.id} → ${d.target.id}: ${d.events} events, net ${netOf(d).toFixed(2)}`);
    link.style("cursor", "pointer").on("click", (ev, d) => {
      window.location.href = "/dyad/" + encodeURIComponent(d.source.id) + "/" + encodeURIComponent(d.target.id);
    });

    const node = svg.append("g").attr("class", "nodes").selectAll("a").data(nodes).join("a")
      .attr("href", d => actorHref(d.id));
    node.append("circle").attr("cx", d => d.x).attr("cy", d => d.y).attr("r", d => r(d.events))
      .attr("fill", "#1f2937").attr("fill-opacity", 0.85).attr("stroke", "#fff").attr("stroke-width", 1.5);
    node.append("title").text(d => `${d.id}: ${d.events} events`);
    placeLabels(nodes, r, width, height);
    node.filter(d => d.label).append("text").attr("x", d => d.label.x).attr("y", d => d.label.y)
      .attr("class", "node-label").text(d => d.id);
    el.dataset.drawn = String(nodes.length);
  }

  // ---- dyad: timeline by QuadClass, with alerts ----------------------------------------
  function parsePeriod(p) { return new Date(String(p).slice(0, 10) + "T00:00:00Z"); }

  async function drawTimeline(el, data) {
    let rows, alerts = [];
    try { rows = await getJSON(data.series); } catch (e) { note(el, "Timeline not available: " + e.message); return; }
    try { alerts = await getJSON(data.alerts); } catch (e) { alerts = []; }
    if (!rows.length) { note(el, "No events between these actors."); return; }
    alerts = alerts.filter(a => (a.source === data.a && a.target === data.b) ||
      (!data.directed && a.source === data.b && a.target === data.a));

    const width = el.clientWidth || 900, height = 320, m = { top: 12, right: 16, bottom: 28, left: 44 };
    const keys = ["quad1", "quad2", "quad3", "quad4"];
    const stack = d3.stack().keys(keys).value((d, k) => +d[k] || 0)(rows);
    const dates = rows.map(d => parsePeriod(d.period));
    const x = d3.scaleBand().domain(rows.map(d => d.period)).range([m.left, width - m.right]).paddingInner(0.15);
    const y = d3.scaleLinear().domain([0, d3.max(rows, d => keys.reduce((s, k) => s + (+d[k] || 0), 0)) || 1]).nice()
      .range([height - m.bottom, m.top]);
    const svg = d3.select(el).append("svg").attr("viewBox", [0, 0, width, height])
      .attr("role", "img").attr("aria-label", "Events per period by QuadClass");

    // alert windows behind the bars
    const periodIndex = p => dates.findIndex(d => d >= parsePeriod(p));
    const ga = svg.append("g").attr("class", "alert-bands");
    alerts.forEach(a => {
      let i0 = periodIndex(a.window_start), i1 = periodIndex(a.window_end || a.window_start);
      if (i0 < 0) return;
      if (i1 < 0) i1 = rows.length - 1;
      const x0 = x(rows[Math.max(0, i0 - (dates[i0] > parsePeriod(a.window_start) ? 1 : 0))].period);
      const x1 = x(rows[i1].period) + x.bandwidth();
      const band = ga.append("rect").attr("class", "alert-band " + (a.direction || ""))
        .attr("x", x0 - 1).attr("width", Math.max(3, x1 - x0 + 2)).attr("y", m.top).attr("height", height - m.top - m.bottom);
      band.append("title").text(`alert, severity ${(+(a.severity ?? a.score ?? 0)).toFixed(0)}: ` +
        (a.summary || `toward ${a.direction}`) + ` (${a.window_start} – ${a.window_end || ""})`);
    });

    svg.append("g").selectAll("g").data(stack).join("g").attr("fill", (d, i) => QUAD[i + 1].color)
      .selectAll("rect").data(d => d.map(v => Object.assign(v, { key: d.key }))).join("rect")
      .attr("x", d => x(d.data.period)).attr("width", x.bandwidth())
      .attr("y", d => y(d[1])).attr("height", d => Math.max(0, y(d[0]) - y(d[1])))
      .append("title").text(d => `${String(d.data.period).slice(0, 10)}: ${d.data[d.key]} ${QUAD[+d.key.slice(4)].name}`);

    const every = Math.max(1, Math.ceil(rows.length / Math.floor((width - m.left) / 80)));
    svg.append("g").attr("class", "axis").attr("transform", `translate(0,${height - m.bottom})`)
      .call(d3.axisBottom(x).tickValues(x.domain().filter((d, i) => i % every === 0)).tickFormat(d => String(d).slice(0, 10)).tickSizeOuter(0));
    svg.append("g").attr("class", "axis").attr("transform", `translate(${m.left},0)`)
      .call(d3.axisLeft(y).ticks(5, "~s"))
      .call(g => g.append("text").attr("x", -m.left + 4).attr("y", m.top - 2).attr("fill", "currentColor")
        .attr("text-anchor", "start").attr("class", "axis-title").text("events"));
    // markers above bars for alerts, clickable to the alert's window in the events list
    svg.append("g").selectAll("path").data(alerts.filter(a => periodIndex(a.window_start) >= 0)).join("path")
      .attr("class", "alert-marker")
      .attr("d", a => { const i = periodIndex(a.window_start); const cx = x(rows[i].period) + x.bandwidth() / 2; return `M${cx - 5},${m.top}L${cx + 5},${m.top}L${cx},${m.top + 8}Z`; });
  }

  async function drawForecast(el, url) {
    let f;
    try { f = await getJSON(url); } catch (e) { note(el, "Forecast not available: " + e.message); return; }
    if (!f.available) { note(el, f.detail || "No forecast for this dyad."); return; }
    el.textContent = "";
    const mc = f.material_conflict_next_week;
    const prob = mc && typeof mc.probability === "number" ? mc.probability : null;
    if (prob !== null) {
      const p = document.createElement("p");
      p.className = "big-prob";
      p.textContent = `Material conflict next week: ${(prob * 100).toFixed(0)}%` + (f.asof ? ` (as of ${f.asof})` : "");
      el.appendChild(p);
      const u = document.createElement("p");
      u.className = "hint uncertainty";
      const cal = mc.calibration;
      const bits = [];
      if (cal && typeof cal.observed === "number")
        bits.push(`forecasts of ${(cal.lo * 100).toFixed(0)}-${(cal.hi * 100).toFixed(0)}% were followed by conflict ${(cal.observed * 100).toFixed(1)}% of the time on ICEWS14 (90% interval ${(cal.low * 100).toFixed(1)}-${(cal.high * 100).toFixed(1)}%)`);
      if (typeof mc.base_rate === "number") bits.push(`base rate ${(mc.base_rate * 100).toFixed(1)}%`);
      if (typeof mc.dyad_weeks === "number") bits.push(`this dyad: conflict in ${mc.dyad_conflict_weeks} of ${mc.dyad_weeks} weeks`);
      u.textContent = bits.join("; ");
      if (bits.length) el.appendChild(u);
      const h = document.createElement("p");
      h.className = "hint";
      h.textContent = "Likely next event types between the two, with their probabilities:";
      el.appendChild(h);
    }
    const list = Array.isArray(f.next_event_types) && f.next_event_types.length ? f.next_event_types
      : Object.values(f).find(v => Array.isArray(v) && v.length && typeof v[0] === "object");
    if (list) {
      const items = list.slice(0, 8);
      const pk = Object.keys(items[0]).find(k => /prob|score|p$/i.test(k) && typeof items[0][k] === "number");
      const lk = Object.keys(items[0]).find(k => /name|label|code|cameo|root|event/i.test(k) && typeof items[0][k] !== "object");
      const ul = d3.select(el).append("ul").attr("class", "bars");
      const li = ul.selectAll("li").data(items).join("li");
      li.append("span").attr("class", "bar-label").text(d => (d[lk] ?? "") + (d.name && lk !== "name" ? " " + d.name : ""));
      const track = li.append("span").attr("class", "bar-track");
      track.append("span").attr("class", "bar").style("width", d => pk ? `${Math.max(1, d[pk] * 100)}%` : "0");
      li.append("span").attr("class", "bar-value").text(d => pk ? `${(d[pk] * 100).toFixed(0)}%` : "");
    }
    if (prob === null && !list) note(el, "The forecaster returned nothing to show.");
  }

  // ---- dyad: what A will do to B, by the ranker fitted on this store (`forecast fit`) ------
  async function drawFitted(el, url, a, b) {
    let f;
    try { f = await getJSON(url); } catch (e) { return; }
    const h = document.createElement("h3");
    h.textContent = `What ${a} will do to ${b} next (model fitted on this store)`;
    el.appendChild(h);
    if (!f.available) { const p = document.createElement("p"); p.className = "muted"; p.textContent = f.detail || "No fitted model."; el.appendChild(p); return; }
    if (f.model && f.model.stale) { const s = document.createElement("p"); s.className = "hint stale"; s.textContent = f.model.message; el.appendChild(s); }
    const ul = document.createElement("ul");
    ul.className = "fitted-answers";
    for (const x of (f.answers || []).slice(0, 5)) {
      const li = document.createElement("li");
      const head = document.createElement("strong");
      head.textContent = `${x.relation} ${x.relation_name}: ${(x.probability * 100).toFixed(0)}%`;
      li.appendChild(head);
      const why = (x.reasons || []).map(r => r.why).join(", ");
      const ev = (x.evidence || []).slice(0, 2).map(e => `${e.date} ${e.subject} ${e.relation} ${e.object}`).join("; ");
      if (why || ev) { const s = document.createElement("span"); s.className = "hint"; s.textContent = ` (${[why, ev].filter(Boolean).join(" · ")})`; li.appendChild(s); }
      ul.appendChild(li);
    }
    el.appendChild(ul);
  }

  // ---- actor: whom it will act on next, by the fitted ranker, for a few CAMEO roots -------
  async function drawWho(el, url, code) {
    const hint = document.createElement("p");
    hint.className = "hint";
    hint.textContent = `Whom ${code} will act on next, by the model fitted on this store, for each kind of event:`;
    el.appendChild(hint);
    const ul = document.createElement("ul");
    ul.className = "fitted-answers";
    el.appendChild(ul);
    for (const root of ["04", "05", "11", "19"]) {
      let f;
      try { f = await getJSON(`${url}?root=${root}&top=3`); } catch (e) { return; }
      if (!f.available) {
        if (/no fitted forecast model|stale/.test(f.detail || "")) { hint.textContent = f.detail; return; }
        continue;  // a root this actor's store never saw
      }
      if (f.model && f.model.stale && !el.querySelector(".stale")) {
        const s = document.createElement("p"); s.className = "hint stale"; s.textContent = f.model.message; el.insertBefore(s, ul);
      }
      const li = document.createElement("li");
      const head = document.createElement("strong");
      head.textContent = `${f.relation} ${f.relation_name}: `;
      li.appendChild(head);
      li.appendChild(document.createTextNode((f.answers || []).map(x => `${x.object} ${(x.probability * 100).toFixed(0)}%`).join(", ")));
      ul.appendChild(li);
    }
  }

  // ---- actor: partners --------------------------------------------------------------------
  function drawPartners(el, data) {
    const rows = (data.partners || []).map(e => Object.assign({}, e, {
      other: e.source === data.code ? e.target : e.source, dir: e.source === data.code ? "→" : "←",
    }));
    if (!rows.length) return;
    const width = el.clientWidth || 800, bar = 22, m = { top: 4, right: 60, bottom: 4, left: 120 };
    const height = m.top + m.bottom + rows.length * bar;
    const x = d3.scaleLinear().domain([0, d3.max(rows, d => d.events) || 1]).range([m.left, width - m.right]);
    const svg = d3.select(el).append("svg").attr("viewBox", [0, 0, width, height])
      .attr("role", "img").attr("aria-label", "Partners by number of events");
    const g = svg.selectAll("a").data(rows).join("a")
      .attr("href", d => "/dyad/" + encodeURIComponent(d.source) + "/" + encodeURIComponent(d.target) + "?directed=true");
    g.append("rect").attr("x", m.left).attr("y", (d, i) => m.top + i * bar + 3).attr("height", bar - 6)
      .attr("width", d => Math.max(1, x(d.events) - m.left)).attr("fill", d => netColor(netOf(d))).attr("rx", 2);
    g.append("text").attr("class", "bar-name").attr("x", m.left - 8).attr("y", (d, i) => m.top + i * bar + bar / 2 + 4)
      .attr("text-anchor", "end").text(d => `${d.dir} ${d.other}`);
    g.append("text").attr("class", "bar-num").attr("x", d => x(d.events) + 6).attr("y", (d, i) => m.top + i * bar + bar / 2 + 4)
      .text(d => `${d.events} · net ${netOf(d) >= 0 ? "+" : ""}${netOf(d).toFixed(2)}`);
    g.append("title").text(d => `${d.source} → ${d.target}: ${d.events} events`);
  }

  function colourNets() {
    document.querySelectorAll(".net[data-net]").forEach(el => {
      const v = parseFloat(el.dataset.net);
      if (!isNaN(v)) el.style.color = netColor(v);
    });
  }

  function highlightTarget() {
    // an event link (#ev-123) lands on its sentence: mark it so the eye finds it
    const id = decodeURIComponent(window.location.hash.slice(1));
    document.querySelectorAll("mark.current").forEach(m => m.classList.remove("current"));
    if (id) { const el = document.getElementById(id); if (el) el.classList.add("current"); }
  }

  // ---- search: actor autocomplete (names and codes from /api/actor-search) ----------------
  function actorComplete(input) {
    const list = document.getElementById(input.getAttribute("list"));
    if (!list) return;
    let timer = null, asked = "";
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const parts = input.value.split(",");
        const word = parts[parts.length - 1].trim();
        if (word.length < 2 || word === asked) return;
        asked = word;
        let rows;
        try { rows = await getJSON(`/api/actor-search?q=${encodeURIComponent(word)}&limit=10`); } catch (e) { return; }
        const head = parts.slice(0, -1).map(p => p.trim()).filter(Boolean);
        list.textContent = "";
        for (const r of rows) {
          const o = document.createElement("option");
          o.value = head.concat([r.code]).join(", ");
          o.label = `${r.code} · ${r.name} (${r.kind}, ${r.events} events)`;
          o.textContent = o.label;
          list.appendChild(o);
        }
      }, 150);
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const data = pageData();
    const net = document.getElementById("network");
    if (net) {
      drawNetwork(net, +(net.dataset.top || 0));
      const all = document.getElementById("network-all");
      if (all) all.addEventListener("click", () => { all.disabled = true; drawNetwork(net, 0); });
    }
    const tl = document.getElementById("timeline");
    if (tl) drawTimeline(tl, data);
    const fc = document.getElementById("forecast");
    if (fc) drawForecast(fc, data.forecast);
    const fwho = document.getElementById("forecast-who");
    if (fwho && data.forecast_who) drawWho(fwho, data.forecast_who, data.code);
    const fw = document.getElementById("forecast-what");
    if (fw && data.forecast_what) drawFitted(fw, data.forecast_what, data.a, data.b);
    const pa = document.getElementById("partners");
    if (pa) drawPartners(pa, data);
    document.querySelectorAll("input[data-actor-complete]").forEach(actorComplete);
    colourNets();
    highlightTarget();
    window.addEventListener("hashchange", highlightTarget);
  });
})();
