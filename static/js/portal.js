// Public portal behaviours, dependency-free: region and category pickers, the
// SMS code button, the proof-of-work that guards every form (see
// xinfang/portal/challenge.py), the kiosk's idle reset and on-screen keypad.
// User text is only ever set through textContent / new Option(), never innerHTML.
(function () {
  "use strict";

  // --- SHA-256 (FIPS 180-4) -------------------------------------------------------------------
  // Our own, because crypto.subtle exists only on HTTPS pages and intranet
  // deployments often serve plain HTTP.
  const K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ]);
  const W = new Uint32Array(64);

  function sha256(bytes) {
    const bitLen = bytes.length * 8;
    const total = Math.ceil((bytes.length + 9) / 64) * 64;
    const msg = new Uint8Array(total);
    msg.set(bytes);
    msg[bytes.length] = 0x80;
    const view = new DataView(msg.buffer);
    view.setUint32(total - 8, Math.floor(bitLen / 0x100000000));
    view.setUint32(total - 4, bitLen >>> 0);
    let h0 = 0x6a09e667, h1 = 0xbb67ae85, h2 = 0x3c6ef372, h3 = 0xa54ff53a;
    let h4 = 0x510e527f, h5 = 0x9b05688c, h6 = 0x1f83d9ab, h7 = 0x5be0cd19;
    for (let off = 0; off < total; off += 64) {
      for (let i = 0; i < 16; i++) W[i] = view.getUint32(off + i * 4);
      for (let i = 16; i < 64; i++) {
        const x = W[i - 15], y = W[i - 2];
        const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
        const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
        W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
      }
      let a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
      for (let i = 0; i < 64; i++) {
        const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
        const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
        const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
        const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h0 = (h0 + a) | 0; h1 = (h1 + b) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0;
      h4 = (h4 + e) | 0; h5 = (h5 + f) | 0; h6 = (h6 + g) | 0; h7 = (h7 + h) | 0;
    }
    return [h0, h1, h2, h3, h4, h5, h6, h7];
  }

  function leadingZeroBits(words) {
    let n = 0;
    for (const w of words) {
      if (w === 0) { n += 32; continue; }
      return n + Math.clz32(w);
    }
    return n;
  }

  // The difficulty travels inside the signed challenge: base64url(JSON):timestamp:signature.
  function bitsOf(challenge) {
    try {
      let p = challenge.split(":")[0].replace(/-/g, "+").replace(/_/g, "/");
      while (p.length % 4) p += "=";
      return JSON.parse(atob(p)).b || 16;
    } catch (e) {
      return 16;
    }
  }

  // Find n with SHA-256(challenge + ":" + n) starting with `bits` zero bits.
  // Works in slices so the page stays responsive on slow kiosks and phones.
  function solve(challenge) {
    const bits = bitsOf(challenge);
    const enc = new TextEncoder();
    const prefix = enc.encode(challenge + ":");
    return new Promise((resolve) => {
      let n = 0;
      function slice() {
        for (let i = 0; i < 5000; i++, n++) {
          const digits = enc.encode(String(n));
          const bytes = new Uint8Array(prefix.length + digits.length);
          bytes.set(prefix);
          bytes.set(digits, prefix.length);
          if (leadingZeroBits(sha256(bytes)) >= bits) { resolve(String(n)); return; }
        }
        setTimeout(slice, 0);
      }
      slice();
    });
  }
  window.xinfangPow = { sha256, solve };  // for tests and the curious

  function csrfToken(form) {
    const input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // --- forms guarded by a proof of work ------------------------------------------------------
  function initPowForm(form) {
    const button = form.querySelector("[type=submit]");
    const label = button ? button.textContent : "";
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      if (form.dataset.busy === "1") return;  // a double click: one submission only
      form.dataset.busy = "1";
      if (button) { button.disabled = true; button.textContent = button.dataset.busyText || "正在提交…"; }
      const challenge = form.querySelector("input[name=pow_challenge]").value;
      solve(challenge).then((solution) => {
        form.querySelector("input[name=pow_solution]").value = solution;
        form.submit();
      });
    });
    // Back from the receipt (page restored from the cache): make the button usable again.
    window.addEventListener("pageshow", (ev) => {
      if (ev.persisted && button) { form.dataset.busy = ""; button.disabled = false; button.textContent = label; }
    });
  }

  // --- 获取验证码 ---------------------------------------------------------------------------
  function initSmsButton(button) {
    const form = button.closest("form");
    const phone = form.querySelector("input[name=phone]");
    const status = document.getElementById("sms-status");
    let timer = null;

    function say(text, ok) {
      status.textContent = text;
      status.className = "form-text " + (ok ? "text-success" : "text-danger");
    }
    function countdown(seconds) {
      clearInterval(timer);
      if (!seconds) { button.disabled = false; button.textContent = "获取验证码"; return; }
      let left = seconds;
      button.disabled = true;
      button.textContent = "重新获取(" + left + "s)";
      timer = setInterval(() => {
        left -= 1;
        if (left <= 0) { clearInterval(timer); button.disabled = false; button.textContent = "重新获取"; return; }
        button.textContent = "重新获取(" + left + "s)";
      }, 1000);
    }
    button.addEventListener("click", async () => {
      const number = phone.value.trim();
      if (!number) { say("请先填写手机号码", false); phone.focus(); return; }
      button.disabled = true;
      say("正在发送验证码…", true);
      try {
        const solution = await solve(button.dataset.challenge);
        const body = new FormData();
        body.append("phone", number);
        body.append("challenge", button.dataset.challenge);
        body.append("solution", solution);
        const resp = await fetch(button.dataset.url, {
          method: "POST", body, credentials: "same-origin", headers: { "X-CSRFToken": csrfToken(form) },
        });
        const data = await resp.json();
        if (data.challenge) button.dataset.challenge = data.challenge;
        say(data.message, data.ok);
        countdown(data.wait || 0);
      } catch (e) {
        say("网络异常，验证码未发送，请稍后重试", false);
        countdown(0);
      }
    });
  }

  // --- 问题属地: district, then street (options come from the server, already escaped) -----
  function initRegionPicker(picker) {
    const hidden = picker.querySelector("input[name=issue_region]");
    const [district, street] = picker.querySelectorAll("select.region-level");
    const url = picker.dataset.childrenUrl;
    const placeholders = ["请选择区县", "请选择街道（镇）"];

    async function load(sel, parent, selected) {
      const resp = await fetch(url + "?parent=" + encodeURIComponent(parent));
      sel.innerHTML = await resp.text();
      if (sel.options.length) sel.options[0].textContent = placeholders[sel === district ? 0 : 1];
      sel.disabled = sel.options.length <= 1;
      if (selected) sel.value = selected;
    }
    function clearStreet() {
      street.innerHTML = "";
      street.add(new Option(placeholders[1], ""));
      street.disabled = true;
    }
    district.addEventListener("change", async () => {
      clearStreet();
      hidden.value = district.value;
      if (district.value) await load(street, district.value);
    });
    street.addEventListener("change", () => { hidden.value = street.value || district.value; });
    (async () => {
      const code = hidden.value || "";
      await load(district, "", code.slice(0, 6));
      if (district.value) await load(street, district.value, code.length > 6 ? code : "");
      hidden.value = street.value || district.value;
    })();
  }

  // --- 内容分类: first level narrows the second -----------------------------------------------
  function initCategoryPicker(picker) {
    const source = document.getElementById("category-groups");
    if (!source) return;
    const groups = JSON.parse(source.textContent);
    const groupSel = picker.querySelector("select.category-group");
    const catSel = picker.querySelector("select[name=category]");
    const initial = catSel.value;
    groupSel.add(new Option("请选择一级分类", ""));
    groups.forEach((g) => groupSel.add(new Option(g.name, String(g.id))));
    groupSel.parentElement.hidden = false;

    function fill(groupId, selected) {
      catSel.innerHTML = "";
      catSel.add(new Option("请选择二级分类", ""));
      const group = groups.find((g) => String(g.id) === groupId);
      (group ? group.children : []).forEach((c) => catSel.add(new Option(c.name, String(c.id))));
      catSel.disabled = !group;
      if (selected) catSel.value = selected;
    }
    const start = groups.find((g) => g.children.some((c) => String(c.id) === initial));
    groupSel.value = start ? String(start.id) : "";
    fill(groupSel.value, initial);
    groupSel.addEventListener("change", () => fill(groupSel.value, ""));
  }

  // --- kiosk: idle reset and keypad ------------------------------------------------------------
  function initKioskIdle() {
    const body = document.body;
    if (!body.classList.contains("kiosk") || document.querySelector(".kiosk-menu")) return;  // home is already clean
    const idle = parseInt(body.dataset.idleSeconds || "90", 10);
    const warnFor = Math.min(10, Math.floor(idle / 3));
    const warning = document.getElementById("kiosk-idle-warning");
    const count = document.getElementById("kiosk-idle-count");
    let last = Date.now();
    const touch = () => { last = Date.now(); warning.hidden = true; };
    ["pointerdown", "keydown", "input", "touchstart", "wheel"].forEach((t) =>
      document.addEventListener(t, touch, { passive: true, capture: true }));
    document.getElementById("kiosk-idle-stay").addEventListener("click", touch);
    setInterval(() => {
      const elapsed = (Date.now() - last) / 1000;
      if (elapsed >= idle) {
        document.getElementById("kiosk-reset").submit();
      } else if (elapsed >= idle - warnFor) {
        warning.hidden = false;
        count.textContent = String(Math.ceil(idle - elapsed));
      }
    }, 250);
  }

  function initKeypad(keypad) {
    const form = keypad.closest("form");
    const inputs = Array.from(form.querySelectorAll("input[name=query_code], input[name=phone_last4]"));
    let target = inputs[0];
    const mark = () => inputs.forEach((i) => i.classList.toggle("kiosk-target", i === target));
    inputs.forEach((i) => i.addEventListener("focus", () => { target = i; mark(); }));
    mark();
    keypad.addEventListener("click", (ev) => {
      const key = ev.target.closest("[data-key]");
      if (!key) return;
      const k = key.dataset.key;
      if (k === "back") target.value = target.value.slice(0, -1);
      else if (k === "clear") target.value = "";
      else if (target.name === "phone_last4" && !/^\d$/.test(k)) return;
      else if (!target.maxLength || target.maxLength < 0 || target.value.length < target.maxLength) target.value += k;
      // The query code is 12 characters: then move on to the phone digits.
      if (target.name === "query_code" && target.value.length >= 12 && inputs[1]) { target = inputs[1]; mark(); }
    });
  }

  // A tracking query answers with the case page itself (one round trip); put the
  // page's own address in the bar so that a refresh reads it again instead of
  // re-sending the form.
  function showPageUrl() {
    const url = document.body.dataset.pageUrl;
    if (url && window.location.pathname !== url && window.history.replaceState) {
      window.history.replaceState(null, "", url);
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    showPageUrl();
    document.querySelectorAll("form[data-pow-form]").forEach(initPowForm);
    document.querySelectorAll("#sms-button").forEach(initSmsButton);
    document.querySelectorAll(".region-picker").forEach(initRegionPicker);
    document.querySelectorAll(".category-picker").forEach(initCategoryPicker);
    document.querySelectorAll(".kiosk-keypad").forEach(initKeypad);
    document.querySelectorAll("[data-print]").forEach((b) => b.addEventListener("click", () => window.print()));
    initKioskIdle();
  });
})();
