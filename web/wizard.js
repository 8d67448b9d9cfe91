// The exported site's wizard: renders the screens the fieldfix engine (WebAssembly, see
// crates/fieldfix-web) returns and sends back what the user chose. It decides nothing itself.
// Every guide value goes in as text (textContent), never as HTML. Progress stays in this
// browser (localStorage); nothing is sent anywhere.
(function () {
  "use strict";

  // v1 kept the states before the current one beside it; the walk now keeps its own (Back).
  var KEY = "fieldfix-wizard-v2";
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

  // One call to the engine (see crates/fieldfix-web/src/wizard.rs, `Request`), JSON both ways.
  function call(request) {
    return JSON.parse(engine.call(JSON.stringify(request)));
  }

  // The walk: its state, as the engine returned it (Back is the engine's too).
  var walk = null;

  function stored() {
    try {
      localStorage.removeItem("fieldfix-wizard-v1");
      var saved = JSON.parse(localStorage.getItem(KEY) || "null");
      if (saved && saved.state) {
        call({ screen: { state: saved.state } });
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
    if (!screen.page) return;
    var p = el("p", null, "guide-link");
    var a = el("a", "Read the whole guide: " + screen.title);
    a.href = encodeURIComponent(screen.guide) + ".html";
    p.appendChild(a);
    root.appendChild(p);
  }

  // The phone's clock as the terminal writes times (the ticket's "Created" and step times).
  function now() {
    var d = new Date();
    function two(n) {
      return (n < 10 ? "0" : "") + n;
    }
    var off = -d.getTimezoneOffset();
    var zone = "UTC" + (off >= 0 ? "+" : "-") + two(Math.floor(Math.abs(off) / 60)) + ":" + two(Math.abs(off) % 60);
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate()) + " " +
      two(d.getHours()) + ":" + two(d.getMinutes()) + ":" + two(d.getSeconds()) + " " + zone;
  }

  // Applies a choice; Back from the walk's first screen leaves it (the engine says null).
  function go(action) {
    var next = call({ act: { state: walk.state, action: action, now: now() } });
    if (next === null) {
      startOver();
      return;
    }
    walk.state = next;
    save();
    render();
  }

  function back() {
    go({ do: "back" });
  }

  function startOver() {
    walk = null;
    save();
    home("");
  }

  function begin(guide, words) {
    walk = { state: call({ start: { guide: guide, words: words } }) };
    save();
    render();
  }

  // "It's a different problem": the first screen again; the problem picked replaces the one
  // the walk is on, the answers so far kept.
  function switchProblem() {
    home("", null, function (guide, words) {
      go({ do: "switch", guide: guide, words: words });
    });
  }

  // The first screen. `pick` starts the problem picked (a new walk unless switching).
  function home(words, resumable, pick) {
    var switching = !!pick;
    pick = pick || begin;
    clear(switching ? "switch" : "home");
    if (list) list.hidden = switching;
    var h = heading(switching ? "It's a different problem: what's going wrong?" : "What's going wrong?");
    if (resumable) {
      var title = call({ screen: { state: resumable.state } }).title;
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
    // What the words lead to, as the engine offers it: "Is it one of these?" then "None of
    // these: show the full list"; the full list ends with a ticket for a problem none covers.
    function show(words) {
      while (results.firstChild) results.removeChild(results.firstChild);
      var found = call({ search: { words: words } });
      if (found.start) {
        pick(found.start, input.value);
        return;
      }
      results.appendChild(el("h2", found.heading));
      var ul = el("ul", null, "choices");
      function entry(hit, action) {
        var li = el("li");
        var b = button(hit.label, function () {
          // The words typed stay the description, the full list shown or not.
          pick(hit.guide, input.value);
        }, "choice", action);
        b.setAttribute("data-guide", hit.guide);
        li.appendChild(b);
        if (hit.summary) li.appendChild(el("p", hit.summary, "summary"));
        ul.appendChild(li);
      }
      found.hits.forEach(function (hit) {
        entry(hit, "guide");
      });
      if (found.more) {
        var li = el("li");
        li.appendChild(button(found.more, function () {
          show("");
        }, "choice", "full-list"));
        ul.appendChild(li);
      }
      if (found.unlisted) entry(found.unlisted, "unlisted");
      results.appendChild(ul);
    }
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      show(input.value);
    });
    var nav = [
      button("Show all problems", function () {
        show("");
      }, null, "all"),
    ];
    if (switching) nav.push(button("Back to the step", render, null, "back"));
    actions(nav);
    focus(h);
  }

  // The details support needs, as the engine lists them; "Make the ticket" sends them back.
  function details(list) {
    var form = el("form", null, "details");
    form.appendChild(el("h2", "Details for support"));
    form.appendChild(el("p", "Leave out any you don't know: the ticket says \"not given\".", "meta"));
    list.forEach(function (d, n) {
      var id = "detail-" + n;
      if (d.options.length) {
        var set = el("fieldset");
        set.appendChild(el("legend", d.label));
        var words = el("input");
        d.options.forEach(function (o, i) {
          var row = el("label", null, "option");
          var radio = el("input");
          radio.type = "radio";
          radio.name = id;
          radio.value = o.value;
          radio.checked = i === 0;
          radio.setAttribute("data-detail", d.id);
          row.appendChild(radio);
          row.appendChild(document.createTextNode(" " + o.label));
          set.appendChild(row);
        });
        var typed = el("label", "When was it? (date and time)", "typed");
        typed.htmlFor = id + "-typed";
        words.id = id + "-typed";
        words.type = "text";
        words.setAttribute("data-typed", d.id);
        words.addEventListener("input", function () {
          var pick = set.querySelector("input[value=\"" + d.typed + "\"]");
          if (pick && words.value) pick.checked = true;
        });
        set.appendChild(typed);
        set.appendChild(words);
        form.appendChild(set);
      } else {
        var label = el("label", d.label);
        label.htmlFor = id;
        var input = el("input");
        input.id = id;
        input.type = "text";
        input.setAttribute("data-detail", d.id);
        form.appendChild(label);
        form.appendChild(input);
      }
    });
    var make = el("button", "Make the ticket", "primary");
    make.type = "submit";
    make.setAttribute("data-action", "ticket");
    var div = el("div", null, "actions");
    div.appendChild(make);
    form.appendChild(div);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var values = {};
      var typed = {};
      Array.prototype.forEach.call(form.querySelectorAll("input[data-detail]"), function (i) {
        if (i.type !== "radio" || i.checked) values[i.getAttribute("data-detail")] = i.value;
      });
      Array.prototype.forEach.call(form.querySelectorAll("input[data-typed]"), function (i) {
        typed[i.getAttribute("data-typed")] = i.value;
      });
      go({ do: "ticket", values: values, typed: typed });
    });
    root.appendChild(form);
  }

  // The ticket the engine made, to copy, download or email; nothing is sent by the page.
  function ticket(s) {
    s.redactable.forEach(function (r) {
      var box = el("div", null, "resume");
      box.appendChild(el("p", r.notice));
      var div = el("div", null, "actions");
      var b = button(r.choice, function () {
        go({ do: "leave-out", id: r.id });
      }, "choice", "leave-out");
      b.setAttribute("data-detail", r.id);
      div.appendChild(b);
      box.appendChild(div);
      root.appendChild(box);
    });
    paragraph("Send it to " + s.contact + ".");
    paragraph(s.reach, "meta");
    var label = el("label", "The ticket (Markdown)");
    label.htmlFor = "ticket-text";
    var text = el("textarea", null, "ticket");
    text.id = "ticket-text";
    text.readOnly = true;
    text.rows = 12;
    text.value = s.markdown;
    root.appendChild(label);
    root.appendChild(text);
    var status = el("p", null, "status");
    status.setAttribute("aria-live", "polite");
    var copy = button("Copy", function () {
      function fallback() {
        text.select();
        var ok = false;
        try {
          ok = document.execCommand("copy");
        } catch (e) {
          ok = false;
        }
        status.textContent = ok ? "Copied." : "Select the text above and copy it.";
      }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(s.markdown).then(function () {
          status.textContent = "Copied.";
        }, fallback);
      } else {
        fallback();
      }
    }, "primary", "copy");
    var download = el("a", "Download (.md)", "button");
    download.href = URL.createObjectURL(new Blob([s.markdown], { type: "text/markdown" }));
    download.download = s.file;
    download.setAttribute("data-action", "download");
    var div = el("div", null, "actions");
    div.appendChild(copy);
    div.appendChild(download);
    if (s.mailto) {
      var mail = el("a", "Email " + s.contact, "button");
      mail.href = s.mailto;
      mail.setAttribute("data-action", "email");
      div.appendChild(mail);
    }
    root.appendChild(div);
    root.appendChild(status);
    if (s.mailto) paragraph("The email opens in your mail app: attach the downloaded ticket or paste it in.", "meta");
  }

  function render() {
    var s = call({ screen: { state: walk.state } });
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
      // The engine's menu, in the terminal's order; each entry is the action it sends.
      actions(s.menu.map(function (m) {
        return button(m.label, function () {
          if (m.value === "switch") switchProblem();
          else go({ do: m.value });
        }, "choice", m.value);
      }));
      actions([button("Back", back, null, "back"), button("Start over", startOver, null, "start-over")]);
    } else if (s.kind === "confirm") {
      // "Did you do this step?": the engine records the result only on "done".
      root.setAttribute("data-id", s.id);
      h = heading(s.ask);
      paragraph("Step " + s.number + ": " + s.step, "step-name");
      paragraph("You said: " + s.said + ".", "meta");
      paragraph(s.warning, "warning");
      actions(s.choices.map(function (c) {
        return button(c.label, function () {
          go({ do: c.value });
        }, "choice", c.value);
      }));
      actions([button("Back", back, null, "back"), button("Start over", startOver, null, "start-over")]);
    } else if (s.kind === "handover") {
      root.setAttribute("data-id", s.to);
      h = heading("Hand it over to " + s.contact);
      bullets(s.reasons, "notes");
      if (s.request.length) {
        root.appendChild(el("h2", "Ask them to"));
        bullets(s.request, "lines");
      }
      details(s.details);
      guideLink(s);
      actions([button("Back", back, null, "back"), button("Start over", startOver, null, "start-over")]);
    } else if (s.kind === "ticket") {
      root.setAttribute("data-id", s.to);
      h = heading("Your ticket for " + s.contact);
      ticket(s);
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
