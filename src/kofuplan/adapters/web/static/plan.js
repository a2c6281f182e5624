// Optional: recompute each month's capacity and the plan total while typing, with the same
// formula as the server (kofuplan.domain.plan_edit / capacity_of). The form works without it:
// the 確認 button recomputes everything, and runs every check, on the server.
(function () {
  "use strict";
  var form = document.getElementById("plan-form");
  if (!form) return;
  var total = document.getElementById("total-issuance");
  var live = document.getElementById("live-check");
  var target = parseInt((document.getElementById("target").textContent || "").replace(/[^0-9]/g, ""), 10);

  function value(row, column) {
    var input = row.querySelector('input[name$=".' + column + '"]');
    return input ? (parseInt(input.value || "0", 10) || 0) : 0;
  }
  function number(row, key) {
    return parseFloat(row.getAttribute("data-" + key) || "0") || 0;
  }
  function fmt(n) {
    return n.toLocaleString("ja-JP");
  }
  function update() {
    var sum = 0, over = [], shortWeekend = [];
    form.querySelectorAll("tbody tr[data-month]").forEach(function (row) {
      var issuance = value(row, "issuance");
      var weekend = value(row, "weekend_days");
      var openDays = number(row, "weekdays") + weekend;
      var daily = value(row, "dedicated_counters") * number(row, "dedicated-daily") +
        value(row, "combined_counters") * number(row, "combined-daily");
      var capacity = Math.floor(daily * (openDays + number(row, "evening")) + 1e-6);
      var cell = row.querySelector('[data-col="capacity"]');
      if (cell) cell.textContent = fmt(capacity);
      var month = row.querySelector("th").textContent;
      if (issuance > capacity) over.push(month);
      if (weekend < number(row, "required-weekend")) shortWeekend.push(month);
      row.classList.toggle("flag", issuance > capacity || weekend < number(row, "required-weekend"));
      sum += issuance;
    });
    var diff = sum - target;
    total.textContent = fmt(sum) + (diff === 0 ? "" : "（想定との差 " + (diff > 0 ? "+" : "") + fmt(diff) + "）");
    var notes = [];
    if (diff !== 0) notes.push("合計が交付枚数の想定と " + (diff > 0 ? "+" : "") + fmt(diff) + " 枚ずれています");
    if (over.length) notes.push("交付能力を超える月: " + over.join("、"));
    if (shortWeekend.length) notes.push("土日開庁が不足する月: " + shortWeekend.join("、"));
    live.textContent = notes.length ? "入力中の確認: " + notes.join("。") + "。（保存前に「確認」でも確かめられます）" : "入力中の確認: 問題はありません。";
  }
  form.addEventListener("input", update);
})();
