// Optional: update the issuance total and the target difference while typing. The form works
// without it (the 確認 button recomputes everything on the server).
(function () {
  var form = document.getElementById("plan-form");
  if (!form) return;
  var total = document.getElementById("total-issuance");
  var target = parseInt((document.getElementById("target").textContent || "").replace(/[^0-9]/g, ""), 10);
  function update() {
    var sum = 0;
    form.querySelectorAll('input[name$=".issuance"]').forEach(function (el) {
      sum += parseInt(el.value || "0", 10) || 0;
    });
    var diff = sum - target;
    total.textContent = sum.toLocaleString("ja-JP") + (diff === 0 ? "" : "（想定との差 " + (diff > 0 ? "+" : "") + diff.toLocaleString("ja-JP") + "）");
  }
  form.addEventListener("input", update);
})();
