// The exported site's wizard: renders the screens the fieldfix engine (WebAssembly, see
// crates/fieldfix-web) returns and sends back what the user chose. It decides nothing itself.
// Every guide value goes in as text (textContent), never as HTML. Progress stays in this
// browser (localStorage); nothing is sent anywhere.
(function () {
  "use strict";

  var KEY = "fieldfix-wizard-v1";
  var root = document.getElementById("wizard");
  var list = document.getElementById("all-guides");
  // The glue (fieldfix-web.js) declares `wasm_bindgen` in the scripts' shared scope.
  var engine = typeof wasm_bindgen === "undefined" ? undefined : wasm_bindgen;

  function decode(b64) {
    var bin = atob(b64);
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return bytes;
  }

  try {
    engine.initSync({ module: decode(window.FIELDFIX_WASM) });
    engine.load(window.FIELDFIX_LIBRARY);
  } catch (e) {
    root.setAttribute("data-kind", "error");
    root.textContent = "The wizard could not start in this browser: " + e + ". The guides below still work.";
    return;
  }

  // The walk: the current state and the states before it (for Back).
  var walk = null;

  function stored() {
    try {
      var saved = JSON.parse(localStorage.getItem(KEY) || "null");
      if (saved && saved.state && Array.isArray(saved.history)) {
        engine.screen(JSON.stringify(saved.state));
        return saved;
      }
    } catch (e) {
      // Unreadable or from other guides: start afresh.
    }
    return null;
  }

  function save() {
    try {
      if (walk) localStorage.setItem(KEY, JSON.stringify(walk));
      else localStorage.removeItem(KEY);
    } catch (e) {
      // Private mode or full storage: the walk still works, it is just not kept.
    }
  }

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  function button(label, onClick, cls, action) {
    var b = el("button", label, cls);
    b.type = "button";
    if (action) b.setAttribute("data-action", action);
    b.addEventListener("click", onClick);
    return b;
  }

  function clear(kind) {
    while (root.firstChild) root.removeChild(root.firstChild);
    root.setAttribute("data-kind", kind);
    root.removeAttribute("data-id");
    if (list) list.hidden = kind !== "home";
  }

  function heading(text) {
    var h = el("h1", text);
    h.tabIndex = -1;
    root.appendChild(h);
    return h;
  }

  function focus(h) {
    if (document.activeElement && document.activeElement !== document.body) h.focus();
  }

  function paragraph(text, cls) {
    if (text) root.appendChild(el("p", text, cls));
  }

  function bullets(items, cls) {
    if (!items || !items.length) return;
    var ul = el("ul", null, cls);
    items.forEach(function (t) {
      ul.appendChild(el("li", t));
    });
    root.appendChild(ul);
  }

  function actions(buttons) {
    var div = el("div", null, "actions");
    buttons.forEach(function (b) {
      div.appendChild(b);
    });
    root.appendChild(div);
  }

  function guideLink(screen) {
    var p = el("p", null, "guide-link");
    var a = el("a", "Read the whole guide: " + screen.title);
    a.href = encodeURIComponent(screen.guide) + ".html";
    p.appendChild(a);
    root.appendChild(p);
  }

  function go(action) {
    var next = JSON.parse(engine.act(JSON.stringify(walk.state), JSON.stringify(action)));
    walk.history.push(walk.state);
    walk.state = next;
    save();
    render();
  }

  function back() {
    if (walk.history.length) {
      walk.state = walk.history.pop();
      save();
      render();
    } else {
      startOver();
    }
  }

  function startOver() {
    walk = null;
    save();
    home("");
  }

  function begin(guide, words) {
    walk = { state: JSON.parse(engine.start(guide, words)), history: [] };
    save();
    render();
  }

  function home(words, resumable) {
    clear("home");
    var h = heading("What's going wrong?");
    if (resumable) {
      var title = JSON.parse(engine.screen(JSON.stringify(resumable.state))).title;
      var box = el("div", null, "resume");
      box.appendChild(el("p", "You have a walk in progress: " + title + "."));
      var div = el("div", null, "actions");
      div.appendChild(
        button("Resume where I left off", function () {
          walk = resumable;
          render();
        }, "primary", "resume")
      );
      div.appendChild(
        button("Start over", function () {
          startOver();
        }, null, "start-over")
      );
      box.appendChild(div);
      root.appendChild(box);
    }
    var form = el("form", null, "describe");
    form.setAttribute("role", "search");
    var label = el("label", "Describe it in your own words");
    label.htmlFor = "words";
    var input = el("input");
    input.id = "words";
    input.type = "search";
    input.autocomplete = "off";
    input.value = words;
    input.placeholder = "e.g. photos won't upload on my iPad";
    var find = el("button", "Find", "primary");
    find.type = "submit";
    find.setAttribute("data-action", "find");
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(find);
    root.appendChild(form);
    var results = el("div", null, "results");
    results.setAttribute("aria-live", "polite");
    root.appendChild(results);
    function show(words) {
      while (results.firstChild) results.removeChild(results.firstChild);
      var hits = JSON.parse(engine.search(words));
      results.appendChild(
        el("h2", words.trim() ? (hits.length ? "Is it one of these?" : "Nothing matched those words: pick from the list") : "All problems")
      );
      if (!hits.length) hits = JSON.parse(engine.search(""));
      var ul = el("ul", null, "choices");
      hits.forEach(function (hit) {
        var li = el("li");
        var b = button(hit.title, function () {
          begin(hit.guide, words);
        }, "choice", "guide");
        b.setAttribute("data-guide", hit.guide);
        li.appendChild(b);
        if (hit.summary) li.appendChild(el("p", hit.summary, "summary"));
        ul.appendChild(li);
      });
      results.appendChild(ul);
    }
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      show(input.value);
    });
    actions([
      button("Show all problems", function () {
        show("");
      }, null, "all"),
    ]);
    focus(h);
  }

  function render() {
    var s = JSON.parse(engine.screen(JSON.stringify(walk.state)));
    clear(s.kind);
    root.appendChild(el("p", s.title, "guide-title"));
    var h;
    if (s.kind === "question") {
      root.setAttribute("data-id", s.id);
      h = heading(s.ask);
      bullets(s.notes, "notes");
      paragraph(s.why, "why");
      var opts = s.options.map(function (o) {
        var b = button(o.label, function () {
          go({ do: "answer", value: o.value });
        }, "choice", "answer");
        b.setAttribute("data-value", o.value);
        return b;
      });
      opts.push(button("I don't know", function () {
        go({ do: "dont-know" });
      }, "choice", "dont-know"));
      actions(opts);
      actions([button("Back", back, null, "back"), button("Start over", startOver, null, "start-over")]);
    } else if (s.kind === "step") {
      root.setAttribute("data-id", s.id);
      h = heading("Step " + s.number + ": " + s.step);
      paragraph(s.about, "meta");
      paragraph(s.warning, "warning");
      bullets(s.lines, "lines");
      bullets(s.notes, "notes");
      guideLink(s);
      root.appendChild(el("h2", "How did it go?"));
      actions([
        button("Fixed it", function () { go({ do: "fixed" }); }, "choice", "fixed"),
        button("Didn't help", function () { go({ do: "didnt-help" }); }, "choice", "didnt-help"),
        button("Skip for now", function () { go({ do: "skip" }); }, "choice", "skip"),
        button("I can't do this (needs an admin)", function () { go({ do: "cant" }); }, "choice", "cant"),
        button(s.recommended ? "Hand it over (recommended)" : "Hand it over", function () {
          go({ do: "hand-over" });
        }, "choice", "hand-over"),
      ]);
      actions([button("Back", back, null, "back"), button("Start over", startOver, null, "start-over")]);
    } else if (s.kind === "handover") {
      root.setAttribute("data-id", s.to);
      h = heading("Hand it over to " + s.contact);
      bullets(s.reasons, "notes");
      if (s.request.length) {
        root.appendChild(el("h2", "Ask them to"));
        bullets(s.request, "lines");
      }
      guideLink(s);
      actions([button("Back", back, null, "back"), button("Start over", startOver, null, "start-over")]);
    } else {
      h = heading("Great, it's fixed.");
      if (s.tips.length) {
        root.appendChild(el("h2", "To keep it from coming back"));
        bullets(s.tips, "lines");
      }
      guideLink(s);
      actions([button("Back", back, null, "back"), button("Start over", startOver, null, "start-over")]);
    }
    focus(h);
  }

  home("", stored());
  // When the first screen was usable, from the start of the page's load (the budget benchmark,
  // benches/web.rs, reads it).
  root.setAttribute("data-ready-ms", String(Math.round(performance.now())));
  root.setAttribute("data-ready", "true");
})();
