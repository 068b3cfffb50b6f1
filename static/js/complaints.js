/* The complaint form's conveniences: communities follow the town, subcategories follow the
   category, a character counter, and a first check of the photos. The server decides. */
(function () {
  "use strict";
  var form = document.getElementById("complaint-form");
  if (!form) { return; }
  var strings = JSON.parse(document.getElementById("complaint-strings").textContent);

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, key) {
      return key in values ? String(values[key]) : all;
    });
  }

  // A select whose options depend on another: only the groups of the chosen parent are offered.
  function follow(parent, child, attribute) {
    var first = child.options[0];
    var groups = Array.prototype.slice.call(child.querySelectorAll("optgroup"));
    function rebuild() {
      var keep = child.value;
      child.textContent = "";
      child.appendChild(first);
      groups.forEach(function (group) {
        if (!parent.value) {
          child.appendChild(group);
        } else if (group.getAttribute(attribute) === parent.value) {
          Array.prototype.forEach.call(group.querySelectorAll("option"), function (option) {
            child.appendChild(option.cloneNode(true));
          });
        }
      });
      child.value = keep;
      if (child.value !== keep) { child.value = ""; }
      child.disabled = child.options.length < 2;
    }
    parent.addEventListener("change", rebuild);
    child.addEventListener("change", function () {
      var chosen = child.options[child.selectedIndex];
      var owner = chosen && chosen.getAttribute(attribute);
      if (owner && parent.value !== owner) { parent.value = owner; rebuild(); child.value = chosen.value; }
    });
    rebuild();
  }
  follow(form.elements.town_id, form.elements.community_id, "data-town");
  follow(form.elements.category_id, form.elements.subcategory_id, "data-parent");

  // Characters left in the problem text.
  var problem = form.elements.problem;
  var counter = form.querySelector('[data-counter-for="problem"]');
  var most = parseInt(problem.getAttribute("maxlength"), 10);
  function count() {
    counter.textContent = fill(strings.count, {n: problem.value.length, max: most});
    counter.classList.toggle("over", problem.value.length > most);
  }
  problem.addEventListener("input", count);
  count();

  // Photos: how many, how large, which ones look like images.
  var input = form.elements.photos;
  var list = form.querySelector(".chosen-photos");
  var check = document.getElementById("photos-check");
  var maxPhotos = parseInt(form.getAttribute("data-max-photos"), 10);
  var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10);
  function megabytes(bytes) {
    return bytes < 1048576 ? Math.max(1, Math.round(bytes / 1024)) + " KB"
                           : (bytes / 1048576).toFixed(1) + " MB";
  }
  function photoProblems() {
    var problems = [], files = Array.prototype.slice.call(input.files || []);
    list.textContent = "";
    if (files.length > maxPhotos) {
      problems.push(fill(strings.too_many, {max: maxPhotos, n: files.length}));
    }
    files.forEach(function (file) {
      var item = document.createElement("li"), name = document.createElement("span");
      var size = document.createElement("span");
      name.className = "name"; name.textContent = file.name;
      size.className = "size"; size.textContent = megabytes(file.size);
      item.appendChild(name); item.appendChild(size);
      if (file.size > maxBytes) {
        problems.push(fill(strings.too_big, {name: file.name})); item.className = "bad";
      } else if (file.type && file.type.indexOf("image/") !== 0) {
        problems.push(fill(strings.not_image, {name: file.name})); item.className = "bad";
      }
      list.appendChild(item);
    });
    check.textContent = problems.join(" ");
    check.hidden = problems.length === 0;
    input.setAttribute("aria-invalid", problems.length ? "true" : "false");
    return problems;
  }
  input.addEventListener("change", photoProblems);

  var send = form.querySelector("button[type=submit]");
  var label = send.textContent;
  form.addEventListener("submit", function (event) {
    if (photoProblems().length) {
      event.preventDefault();
      input.focus();
      return;
    }
    send.disabled = true;            // one complaint, not two, on a double tap
    send.textContent = strings.sending;
  });
  // Coming back with the browser's Back button: the button works again.
  window.addEventListener("pageshow", function () { send.disabled = false; send.textContent = label; });

  var problemBox = document.getElementById("form-problem");
  if (problemBox) { problemBox.focus(); }
})();
