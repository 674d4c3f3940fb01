/* diplo_extract report: inlined into the page by diplo_extract.report_html.
 * Builds each article's record panel from the JSON data, links evidence marks and items both ways, and runs
 * review mode (accept / reject / correct / add, then download <article_id>.gold.json).
 * Every value from a record reaches the page through textContent or .value, never as markup. */
(() => {
  "use strict";
  const DATA = JSON.parse(document.getElementById("diplo-data").textContent);
  const V = DATA.vocab;
  const ITEMS = new Map(); // item id -> {type, obj, k, el}
  const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
  const COUNTRY = /^[A-Z]{2}$/;
  const FIELDS = {
    meeting: [["kind", "select", V.kind], ["status", "select", V.status], ["date", "date"], ["city", "text"],
      ["country", "country"], ["cooperation_areas", "list"]],
    participant: [["name", "text"], ["title", "text"], ["organization", "text"], ["country", "country"]],
    agreement: [["summary", "wide"], ["status", "select", V.agreement_status], ["parties", "list"]],
    threat: [["category", "select", V.threat]],
  };
  const LISTS = [["participants", "participant", "p", "Participants"], ["agreements", "agreement", "a", "Agreements"],
    ["threats", "threat", "t", "Threats"]];
  const tip = document.getElementById("tip");

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "class") e.className = value;
      else if (key.startsWith("data-") || key === "role") e.setAttribute(key, value);
      else e[key] = value;
    }
    for (const child of children) if (child !== null && child !== undefined) e.append(child);
    return e;
  }

  // --- review state, kept in localStorage per record so a reload does not lose work ---------------------
  const storeKey = (k) => "diplo-extract-review:" + DATA.articles[k].fingerprint;
  const verdicts = {};
  function load(k) {
    try {
      const saved = JSON.parse(localStorage.getItem(storeKey(k)) || "null");
      if (saved && Array.isArray(saved.meetings)) {
        DATA.articles[k].meetings = saved.meetings;
        Object.assign(verdicts, saved.verdicts || {});
      }
    } catch (e) { /* storage unavailable (some file:// setups): review still works, just unsaved */ }
  }
  function save(k) {
    const A = DATA.articles[k];
    const mine = Object.fromEntries(Object.entries(verdicts).filter(([id]) => id.startsWith("a" + k + "-")));
    try { localStorage.setItem(storeKey(k), JSON.stringify({meetings: A.meetings, verdicts: mine})); } catch (e) { /* as above */ }
    status(k);
  }

  // --- labels ---------------------------------------------------------------------------------------------
  function label(type, o) {
    const join = (parts, sep) => parts.filter((x) => x).join(sep);
    if (type === "meeting") {
      const where = join([o.city, o.country], ", ");
      return join([o.kind.replaceAll("_", " "), o.status !== "held" ? "(" + o.status + ")" : "",
        o.date || o.date_text || "date unknown", where ? "in " + where : ""], " ");
    }
    if (type === "participant") {
      return join([o.name || o.organization || "(unnamed)", join([o.title, o.name ? o.organization : ""], ", "),
        o.country ? "[" + o.country + "]" : ""], " · ");
    }
    if (type === "agreement") return join([o.summary, "(" + o.status + ")", (o.parties || []).join(", ")], " ");
    return o.category.replaceAll("_", " ");
  }
  function badge(o) {
    const ev = o.evidence || {state: "none"};
    if (o.added) return el("span", {class: "badge none"}, "added");
    if (ev.state === "ungrounded") {
      return el("span", {class: "badge ungrounded", title: "Quote not found in the text: " + ev.quote}, "ungrounded");
    }
    if (ev.state === "none") return el("span", {class: "badge none"}, "no evidence");
    if (ev.state === "outside") return el("span", {class: "badge outside"}, "offsets outside this text");
    return null;
  }

  // --- review forms -----------------------------------------------------------------------------------------
  function field(k, type, o, spec, refresh) {
    const [name, kind, options] = spec;
    let input;
    if (kind === "select") {
      input = el("select", {});
      for (const opt of options) input.append(el("option", {value: opt}, opt));
      input.value = o[name];
    } else {
      input = el("input", {type: "text", className: kind === "wide" ? "wide" : ""});
      input.value = kind === "list" ? (o[name] || []).join(", ") : (o[name] || "");
      if (kind === "date") input.placeholder = "YYYY-MM-DD";
      if (kind === "country") { input.placeholder = "ISO alpha-2"; input.size = 4; }
    }
    input.addEventListener("change", () => {
      let value = input.value.trim();
      if (kind === "country") { value = value.toUpperCase(); input.value = value; }
      const bad = (kind === "date" && value && !(ISO_DATE.test(value) && !isNaN(Date.parse(value)))) ||
        (kind === "country" && value && !COUNTRY.test(value));
      input.classList.toggle("bad", Boolean(bad));
      o[name] = kind === "list" ? value.split(",").map((x) => x.trim()).filter((x) => x) : (value || null);
      refresh();
      save(k);
    });
    return el("label", {}, name.replaceAll("_", " ") + " ", input);
  }
  function reviewForm(k, type, o, refresh) {
    const box = el("div", {class: "review"});
    const setVerdict = (v) => () => {
      if (v) verdicts[o.id] = v; else delete verdicts[o.id];
      refresh();
      save(k);
    };
    box.append(el("button", {type: "button", onclick: setVerdict("accept")}, "Accept"), " ",
      el("button", {type: "button", onclick: setVerdict("reject")}, "Reject"), " ",
      el("button", {type: "button", onclick: setVerdict(null)}, "Undecided"), el("br", {}));
    for (const spec of FIELDS[type]) box.append(field(k, type, o, spec, refresh));
    // Clicks inside the form edit the item; they must not scroll to its evidence.
    box.addEventListener("click", (e) => e.stopPropagation());
    return box;
  }

  // --- the record panel -------------------------------------------------------------------------------------
  function itemEl(k, type, o) {
    const text = el("span", {class: "label"}, label(type, o));
    const e = el("div", {class: "item t-" + type + (type === "meeting" ? " head" : ""), "data-item": o.id,
      tabIndex: 0, role: "button"}, text, " ", badge(o));
    const ev = o.evidence || {};
    if (ev.state === "ungrounded") e.classList.add("ungrounded");
    if (ev.quote && (type === "meeting" || type === "agreement")) e.append(el("span", {class: "quote"}, "“" + ev.quote + "”"));
    const refresh = () => {
      text.textContent = label(type, o);
      e.classList.toggle("v-accept", verdicts[o.id] === "accept");
      e.classList.toggle("v-reject", verdicts[o.id] === "reject");
      if (type === "meeting") e.parentElement?.classList.toggle("v-reject", verdicts[o.id] === "reject");
    };
    e.append(reviewForm(k, type, o, refresh));
    ITEMS.set(o.id, {type, obj: o, k, el: e, refresh});
    return e;
  }
  function meetingCard(k, m) {
    const card = el("div", {class: "meeting" + (m.added ? " added" : ""), "data-meeting": m.id});
    card.append(itemEl(k, "meeting", m));
    if (m.summary) card.append(el("p", {class: "quote"}, m.summary));
    const adders = el("div", {class: "adders"});
    for (const [list, type, letter, title] of LISTS) {
      const box = el("div", {class: "list"});
      for (const o of m[list]) box.append(itemEl(k, type, o));
      const sec = el("div", {class: "sec " + letter + (m[list].length ? "" : " empty")}, el("h4", {}, title), box);
      card.append(sec);
      adders.append(el("button", {type: "button", onclick: () => {
        const o = {id: m.id + "-" + letter + "+" + (m[list].length + 1), added: true, evidence: {state: "none"}};
        for (const [name, kind, options] of FIELDS[type]) o[name] = kind === "select" ? options[0] : kind === "list" ? [] : null;
        m[list].push(o);
        verdicts[o.id] = "accept";
        box.append(itemEl(k, type, o));
        ITEMS.get(o.id).refresh();
        sec.classList.remove("empty");
        save(k);
      }}, "+ " + type), " ");
    }
    if ((m.cooperation_areas || []).length) {
      card.append(el("div", {class: "sec"}, el("h4", {}, "Cooperation areas"),
        ...m.cooperation_areas.map((a) => el("span", {class: "chip"}, a))));
    }
    card.append(adders);
    return card;
  }
  function fillPanel(k) {
    const panel = document.querySelector('.record[data-article="' + k + '"]');
    const A = DATA.articles[k];
    panel.replaceChildren();
    if (!A.meetings.length) panel.append(el("p", {class: "meta"}, "No meetings reported."));
    for (const m of A.meetings) panel.append(meetingCard(k, m));
    for (const w of A.warnings) panel.append(el("p", {class: "meta"}, "warning: " + w));
    panel.append(el("div", {class: "adders"}, el("button", {type: "button", onclick: () => {
      const m = {id: "a" + k + "-m+" + (A.meetings.length + 1), added: true, kind: "meeting", status: "held",
        date: null, date_text: null, city: null, country: null, cooperation_areas: [], participants: [],
        agreements: [], threats: [], evidence: {state: "none"}};
      A.meetings.push(m);
      verdicts[m.id] = "accept";
      panel.insertBefore(meetingCard(k, m), panel.lastElementChild);
      save(k);
    }}, "+ meeting")));
    for (const {k: owner, refresh} of ITEMS.values()) if (owner === k) refresh();
  }

  // --- linking marks and items ----------------------------------------------------------------------------
  const marksOf = (id) => document.querySelectorAll('mark[data-items~="' + CSS.escape(id) + '"]');
  function flash(e) {
    e.classList.remove("flash");
    void e.offsetWidth; // restart the animation when clicked again
    e.classList.add("flash");
  }
  function showItemSpan(id) {
    const marks = marksOf(id);
    if (!marks.length) { flash(ITEMS.get(id).el); return; }
    marks[0].scrollIntoView({block: "center", inline: "nearest"});
    marks.forEach(flash);
  }
  document.addEventListener("animationend", (e) => e.target.classList?.remove("flash"));
  document.addEventListener("click", (e) => {
    const mark = e.target.closest?.("mark.s");
    const item = e.target.closest?.(".item");
    if (mark) {
      const first = ITEMS.get(mark.dataset.items.split(" ")[0]);
      if (first) { first.el.scrollIntoView({block: "center", inline: "nearest"}); flash(first.el); }
    } else if (item) {
      showItemSpan(item.dataset.item);
    }
  });
  document.addEventListener("keydown", (e) => {
    const item = e.target.closest?.(".item");
    if (item && e.target === item && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); showItemSpan(item.dataset.item); }
  });
  function hot(ids, on) {
    for (const id of ids) {
      ITEMS.get(id)?.el.classList.toggle("hot", on);
      marksOf(id).forEach((m) => m.classList.toggle("hot", on));
    }
  }
  document.addEventListener("mouseover", (e) => {
    const mark = e.target.closest?.("mark.s");
    const item = e.target.closest?.(".item");
    if (mark) {
      const ids = mark.dataset.items.split(" ");
      hot(ids, true);
      tip.textContent = ids.map((id) => ITEMS.get(id)).filter((x) => x).map((x) => x.type + ": " + label(x.type, x.obj)).join("\n");
      tip.hidden = false;
    } else if (item) {
      hot([item.dataset.item], true);
    }
  });
  document.addEventListener("mouseout", (e) => {
    const mark = e.target.closest?.("mark.s");
    const item = e.target.closest?.(".item");
    if (mark) { hot(mark.dataset.items.split(" "), false); tip.hidden = true; }
    if (item) hot([item.dataset.item], false);
  });
  document.addEventListener("mousemove", (e) => {
    if (!tip.hidden) { tip.style.left = (e.clientX + 14) + "px"; tip.style.top = (e.clientY + 14) + "px"; }
  });

  // --- gold files -------------------------------------------------------------------------------------------
  function goldFor(k) {
    const A = DATA.articles[k];
    const keep = (o) => verdicts[o.id] !== "reject";
    const problems = [];
    const meetings = A.meetings.filter((m) => keep(m) && m.status === "held").map((m) => {
      if (m.date && !(ISO_DATE.test(m.date) && !isNaN(Date.parse(m.date)))) problems.push(label("meeting", m) + ": date is not YYYY-MM-DD");
      const people = m.participants.filter((p) => keep(p) && (p.name || p.organization));
      for (const o of [m, ...people]) if (o.country && !COUNTRY.test(o.country)) problems.push(o.country + ": not an ISO alpha-2 code");
      return {
        kind: m.kind, date: m.date || null, location: {city: m.city || null, country: m.country || null},
        participants: people.map((p) => ({name: p.name || null, title: p.title || null, organization: p.organization || null,
          country: p.country || null})),
        agreements: m.agreements.filter((a) => keep(a) && a.summary).map((a) => ({summary: a.summary, status: a.status,
          parties: a.parties || []})),
        threats: [...new Set(m.threats.filter(keep).map((t) => t.category))],
        cooperation_areas: m.cooperation_areas || [],
      };
    });
    return {gold: {article_id: A.article_id, source: A.source, meetings}, problems};
  }
  function status(k) {
    const ids = [...ITEMS.values()].filter((x) => x.k === k).map((x) => x.obj.id);
    const count = (v) => ids.filter((id) => verdicts[id] === v).length;
    const out = document.querySelector('.review-status[data-article="' + k + '"]');
    out.textContent = count("accept") + " accepted, " + count("reject") + " rejected, " +
      (ids.length - count("accept") - count("reject")) + " undecided (kept as extracted); planned and proposed " +
      "meetings are left out of gold files, as GOLD_FORMAT.md says.";
  }
  function download(k) {
    const {gold, problems} = goldFor(k);
    const out = document.querySelector('.review-status[data-article="' + k + '"]');
    if (problems.length) { out.textContent = "Fix before downloading: " + problems.join("; "); return; }
    const blob = new Blob([JSON.stringify(gold, null, 2) + "\n"], {type: "application/json"});
    const a = el("a", {href: URL.createObjectURL(blob), download: gold.article_id + ".gold.json"});
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 60000);
  }
  document.querySelectorAll("button.gold").forEach((b) => b.addEventListener("click", () => download(Number(b.dataset.article))));
  const toggle = document.getElementById("review-mode");
  toggle.addEventListener("change", () => document.body.classList.toggle("reviewing", toggle.checked));
  document.body.classList.toggle("reviewing", toggle.checked);

  DATA.articles.forEach((_, k) => { load(k); fillPanel(k); status(k); });
  window.diploReport = {goldFor: (k) => goldFor(k).gold, problems: (k) => goldFor(k).problems};
})();
