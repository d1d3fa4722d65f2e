/* A signature pad on a plain canvas: every [data-signature] box fills its form's hidden
   "signature" field with a PNG data URL when the form is submitted (nothing drawn: left empty). */
(function () {
  document.querySelectorAll("[data-signature]").forEach(function (box) {
    var canvas = box.querySelector("canvas"), ctx = canvas.getContext("2d"), form = box.closest("form");
    var field = form.querySelector("input[name=signature]"), drawing = false, drawn = false;
    ctx.lineWidth = 3; ctx.lineCap = "round"; ctx.lineJoin = "round"; ctx.strokeStyle = "#000";
    function pos(e) {
      var r = canvas.getBoundingClientRect();
      return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height];
    }
    canvas.addEventListener("pointerdown", function (e) {
      drawing = true; var p = pos(e); ctx.beginPath(); ctx.moveTo(p[0], p[1]); e.preventDefault();
    });
    canvas.addEventListener("pointermove", function (e) {
      if (!drawing) { return; }
      var p = pos(e); ctx.lineTo(p[0], p[1]); ctx.stroke(); drawn = true; box.dataset.drawn = "1"; e.preventDefault();
    });
    ["pointerup", "pointerleave", "pointercancel"].forEach(function (t) {
      canvas.addEventListener(t, function () { drawing = false; });
    });
    box.querySelector("[data-clear]").addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height); drawn = false; field.value = ""; delete box.dataset.drawn;
    });
    form.addEventListener("submit", function () { if (drawn) { field.value = canvas.toDataURL("image/png"); } });
  });
})();
