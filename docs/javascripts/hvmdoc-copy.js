/*
 * hvmdoc: the copy button of a session block copies its commands only.
 *
 * Session blocks are `{ .console .hvmdoc }` fences (every `console` fence
 * gets the same treatment). Our Pygments lexer
 * (hvmdoc/highlight/session.py) marks every prompt as `.gp` and every output
 * line as `.go` or `.go-*`; a line that holds a prompt is a command line, and
 * the command is that line's text after the prompt (a line ending in `\`
 * continues on the next line).
 *
 * Material for MkDocs (and Zensical) copy the `data-copy` attribute of the
 * nearest ancestor of the code element when there is one, instead of the
 * code's text. We set it on every session block when a page loads, and
 * again just before a copy button is clicked (capture phase, so before
 * Material's clipboard handler runs), in case the page was swapped since.
 */
(function () {
  "use strict";

  function kindOf(node, root) {
    for (var el = node.parentElement; el && el !== root; el = el.parentElement) {
      var classes = el.classList;
      if (classes.contains("gp")) return "prompt";
      for (var i = 0; i < classes.length; i++) {
        if (classes[i] === "go" || classes[i].indexOf("go-") === 0) return "output";
      }
    }
    return "text";
  }

  /* The lines of a code element, each a list of [kind, text] pieces. */
  function pieces(code) {
    var lines = [[]];
    var walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      var kind = kindOf(node, code);
      var parts = node.nodeValue.split("\n");
      for (var j = 0; j < parts.length; j++) {
        if (j > 0) lines.push([]);
        if (parts[j]) lines[lines.length - 1].push([kind, parts[j]]);
      }
    }
    return lines;
  }

  /* The commands typed in a session block, one a line. */
  function commands(code) {
    var result = [];
    var continued = false;
    pieces(code).forEach(function (line) {
      var hasPrompt = line.some(function (p) { return p[0] === "prompt"; });
      if (!hasPrompt && !continued) return;
      var text = "";
      var afterPrompt = !hasPrompt;
      line.forEach(function (p) {
        if (p[0] === "prompt") afterPrompt = true;
        else if (afterPrompt && p[0] === "text") text += p[1];
      });
      text = text.replace(/\s+$/, "");
      continued = /\\$/.test(text);
      if (text) result.push(text);
    });
    return result.join("\n");
  }

  function mark(block) {
    var code = block.querySelector("pre > code");
    if (code) block.setAttribute("data-copy", commands(code));
  }

  /* Session blocks, and any other console block (a static one, say). */
  var SESSIONS = ".hvmdoc.highlight, .language-console.highlight";

  function markAll(root) {
    var blocks = (root || document).querySelectorAll(SESSIONS);
    Array.prototype.forEach.call(blocks, mark);
  }

  document.addEventListener(
    "click",
    function (event) {
      var target = event.target instanceof Element ? event.target : null;
      var button = target && target.closest("[data-clipboard-target], .md-clipboard, .md-code__button");
      var block = button && button.closest(SESSIONS);
      if (block) mark(block);
    },
    true
  );

  /* Exposed for the browser test and for curious readers. */
  window.hvmdocCommands = commands;

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(function () { markAll(document); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { markAll(document); });
  } else {
    markAll(document);
  }
})();
