//! The page around the report's content: the head (a Content-Security-Policy
//! that lets no request leave the file, the viewport, light and dark
//! colours), a style that reflows down to a phone's width, and the inline
//! script for hover values and series toggles. The page reads the same with
//! the script off: it only adds to charts already drawn.

/// No request may leave the file: nothing is fetched, posted or framed;
/// only the page's own inline style and script run.
pub const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const STYLE: &str = ":root{color-scheme:light dark;--bg:#fff;--fg:#1f2937;--muted:#6b7280;--line:#e5e7eb;--row:#eef0f3;--head:#f9fafb;--grid:#e5e7eb;--axis:#9ca3af;--warm:#9ca3af;--fault:#ef4444;--alert:#fef2f2;--alertb:#fecaca;--bad:#b91c1c;--warn:#b45309;--good:#15803d}
.k0{color:#0369a1}.k1{color:#c2410c}.k2{color:#15803d}.k3{color:#be185d}.k4{color:#6d28d9}.k5{color:#a16207}.k6{color:#0f766e}.k7{color:#b91c1c}
@media (prefers-color-scheme:dark){:root{--bg:#111827;--fg:#e5e7eb;--muted:#9ca3af;--line:#374151;--row:#1f2937;--head:#1f2937;--grid:#2d3748;--axis:#6b7280;--warm:#6b7280;--fault:#f87171;--alert:#3b1414;--alertb:#7f1d1d;--bad:#fca5a5;--warn:#fcd34d;--good:#86efac}
.k0{color:#38bdf8}.k1{color:#fb923c}.k2{color:#4ade80}.k3{color:#f472b6}.k4{color:#a78bfa}.k5{color:#facc15}.k6{color:#2dd4bf}.k7{color:#f87171}
.design{background:#f8fafc;border-radius:6px}.design svg text{fill:#1f2937}}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:1480px;color:var(--fg);background:var(--bg);padding:0 16px;overflow-wrap:anywhere}
h1{margin-bottom:0}h2{margin-top:28px;border-bottom:1px solid var(--line);padding-bottom:4px}
.meta{color:var(--muted)}table{border-collapse:collapse;margin:0;font-variant-numeric:tabular-nums}
th,td{padding:3px 7px;border-bottom:1px solid var(--row);text-align:right}th{background:var(--head);vertical-align:bottom;overflow-wrap:normal;font-size:12.5px}
td{white-space:nowrap}th,td{overflow-wrap:normal}td:first-child,th:first-child{text-align:left}.ci{color:var(--muted);font-size:12px}
.wide{overflow-x:auto;max-width:100%;margin:8px 0}
.wide td:first-child,.wide th:first-child{position:sticky;left:0;background:var(--bg);z-index:1;white-space:normal;min-width:7em}
.wide th:first-child{background:var(--head)}
.badge{display:inline-block;padding:1px 7px;border-radius:4px;color:#fff;font-weight:600;font-size:12px}
.pass{background:#15803d}.fail{background:#dc2626}.inconclusive{background:#b45309}
.bad{color:var(--bad)}.warn{color:var(--warn)}.info{color:var(--fg)}.good{color:var(--good)}
.alert{background:var(--alert);border:1px solid var(--alertb);padding:8px;border-radius:6px}
.plots{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,430px),1fr));gap:12px}
.plots>*{min-width:0}
.chart{position:relative;margin:0;border:1px solid var(--line);border-radius:6px;padding:6px}
.chart figcaption{margin:0 0 2px}.chart svg{display:block}
svg text{font:12px system-ui,sans-serif;fill:var(--fg)}
.grid{stroke:var(--grid)}.grid.minor{stroke-dasharray:2 3}.axis{stroke:var(--axis)}.range{stroke:var(--axis);stroke-width:2}
rect.warm{fill:var(--warm);fill-opacity:.16}rect.fault{fill:var(--fault);fill-opacity:.14}rect.nodata{fill:var(--muted);fill-opacity:.12}
text.bl.fault{fill:var(--fault)}text.bl.warm,text.nd,tspan.nd{fill:var(--muted)}
.s{fill:currentColor;stroke:currentColor}.s polyline{fill:none;stroke-width:1.7}.s circle{stroke:none}.pct .s circle{stroke:var(--bg);stroke-width:1}.s.off{display:none}
.legend{display:flex;flex-wrap:wrap;gap:2px 12px;font-size:12px;margin-top:2px}
.key i,.band i{display:inline-block;width:12px;height:4px;margin-right:4px;vertical-align:middle;background:currentColor}
.band i{height:10px;opacity:.4}.band.warm i{background:var(--warm)}.band.fault i{background:var(--fault)}
.js .key[data-i]{cursor:pointer;user-select:none}.key[aria-pressed=false]{opacity:.45;text-decoration:line-through}
.note{font-size:12px;color:var(--muted);margin:4px 0 0}
.tip{position:absolute;pointer-events:none;background:var(--bg);border:1px solid var(--line);border-radius:4px;padding:3px 6px;font-size:12px;box-shadow:0 1px 4px #0003;white-space:nowrap;z-index:2}
.cur{stroke:var(--axis);stroke-dasharray:3 2}
.design svg{max-width:100%;height:auto}.pct{max-width:600px;margin:8px 0}
.plots.lat{grid-template-columns:repeat(auto-fill,minmax(min(100%,480px),1fr));max-width:1260px;margin:8px 0;align-items:start}.plots.lat .pct{margin:0}
.ref{stroke:var(--axis);stroke-dasharray:5 3}
@media (max-width:600px){body{margin:12px auto;padding:0 8px}th,td{padding:3px 6px}svg text{font-size:13.5px}}";

/// Hover values and series toggles. Reads the `data-*` attributes the
/// charts carry; adds nothing the page needs to be read.
const SCRIPT: &str = r#"(function(){
"use strict";
document.documentElement.classList.add("js");
function span(v){return Math.abs(v-Math.round(v))<1e-9?v.toFixed(0):v.toFixed(2);}
function pad(n){return (n<10?"0":"")+n;}
function clock(v){v=Math.round(v);var h=Math.floor(v/3600),m=Math.floor(v%3600/60),s=v%60;return h>0?h+":"+pad(m)+":"+pad(s):m+":"+pad(s);}
function fmt(v){var a=Math.abs(v);return a>=100?v.toFixed(0):a>=10?v.toFixed(1):v.toFixed(2);}
function ms(v){return v>=1000?fmt(v/1000)+" s":fmt(v)+" ms";}
function pct(f){if(f>=1)return "100 %";var p=f*100;return (p>=99.95||p<0.05?p.toFixed(2):p>=99.5?p.toFixed(1):p.toFixed(0))+" %";}
function cdf(fig,svg){
  var lo=Math.log10(+fig.getAttribute("data-lo")),hi=Math.log10(+fig.getAttribute("data-hi"));
  var l=+svg.getAttribute("data-l"),r=+svg.getAttribute("data-r"),top=+svg.getAttribute("data-t"),bot=+svg.getAttribute("data-b");
  var series=[].map.call(fig.querySelectorAll("g.s"),function(g){
    return {g:g,name:g.getAttribute("data-name"),x:g.getAttribute("data-x").split(",").map(Number),f:g.getAttribute("data-f").split(",").map(Number)};
  });
  var tip=document.createElement("div");tip.className="tip";tip.hidden=true;fig.appendChild(tip);
  var cur=document.createElementNS("http://www.w3.org/2000/svg","line");
  cur.setAttribute("class","cur");cur.setAttribute("y1",top);cur.setAttribute("y2",bot);cur.style.display="none";svg.appendChild(cur);
  function hide(){tip.hidden=true;cur.style.display="none";}
  svg.addEventListener("pointermove",function(e){
    var box=svg.getBoundingClientRect(),vb=svg.viewBox.baseVal;
    var x=(e.clientX-box.left)/box.width*vb.width;
    if(x<l||x>r||hi<=lo){hide();return;}
    var at=Math.pow(10,lo+(x-l)/(r-l)*(hi-lo));
    var lines=["<b>at or below "+ms(at)+"</b>"];
    series.forEach(function(s){
      if(s.g.classList.contains("off"))return;
      var share=0;
      for(var i=0;i<s.x.length&&s.x[i]<=at;i++)share=s.f[i];
      var row=document.createElement("div");row.textContent=s.name+": "+pct(share);lines.push(row.outerHTML);
    });
    tip.innerHTML=lines.join("");tip.hidden=false;
    cur.setAttribute("x1",x);cur.setAttribute("x2",x);cur.style.display="";
    var fb=fig.getBoundingClientRect(),px=e.clientX-fb.left+12;
    if(px+tip.offsetWidth>fb.width)px=Math.max(0,e.clientX-fb.left-tip.offsetWidth-12);
    tip.style.left=px+"px";tip.style.top=(e.clientY-fb.top+12)+"px";
  });
  svg.addEventListener("pointerleave",hide);
}
document.querySelectorAll("figure.chart").forEach(function(fig){
  var svg=fig.querySelector("svg");if(!svg)return;
  fig.querySelectorAll(".key[data-i]").forEach(function(key){
    key.setAttribute("role","button");key.setAttribute("tabindex","0");key.setAttribute("aria-pressed","true");
    key.title="Show or hide this series";
    function toggle(){
      var on=key.getAttribute("aria-pressed")!=="true";
      key.setAttribute("aria-pressed",on?"true":"false");
      fig.querySelectorAll('g.s[data-i="'+key.getAttribute("data-i")+'"]').forEach(function(g){g.classList.toggle("off",!on);});
    }
    key.addEventListener("click",toggle);
    key.addEventListener("keydown",function(e){if(e.key==="Enter"||e.key===" "){e.preventDefault();toggle();}});
  });
  if(fig.hasAttribute("data-cdf")){cdf(fig,svg);return;}
  if(!fig.hasAttribute("data-dt"))return;
  var t0=+fig.getAttribute("data-t0"),dt=+fig.getAttribute("data-dt"),x1=+fig.getAttribute("data-x1");
  var unit=fig.getAttribute("data-unit"),l=+svg.getAttribute("data-l"),r=+svg.getAttribute("data-r");
  var tu=fig.getAttribute("data-tu"),tk=tu==="h"?3600:tu==="min"?60:1;
  var top=+svg.getAttribute("data-t"),bot=+svg.getAttribute("data-b");
  var series=[].map.call(fig.querySelectorAll("g.s"),function(g){
    return {g:g,name:g.getAttribute("data-name"),v:g.getAttribute("data-v").split(",")};
  });
  var tip=document.createElement("div");tip.className="tip";tip.hidden=true;fig.appendChild(tip);
  var cur=document.createElementNS("http://www.w3.org/2000/svg","line");
  cur.setAttribute("class","cur");cur.setAttribute("y1",top);cur.setAttribute("y2",bot);cur.style.display="none";svg.appendChild(cur);
  function hide(){tip.hidden=true;cur.style.display="none";}
  svg.addEventListener("pointermove",function(e){
    var box=svg.getBoundingClientRect(),vb=svg.viewBox.baseVal;
    var x=(e.clientX-box.left)/box.width*vb.width;
    if(x<l||x>r||dt<=0){hide();return;}
    var t=(x-l)/(r-l)*x1,i=Math.floor((t-t0)/dt);
    var lines=[],a=t0+i*dt;
    lines.push("<b>"+(tk===1?span(a)+"–"+span(a+dt)+" s":clock(a)+"–"+clock(a+dt))+"</b>");
    series.forEach(function(s){
      if(s.g.classList.contains("off"))return;
      var v=s.v[i];
      var row=document.createElement("div");
      row.textContent=s.name+": "+(v===undefined?"–":v===""?"no data":fmt(+v)+" "+unit);
      lines.push(row.outerHTML);
    });
    tip.innerHTML=lines.join("");tip.hidden=false;
    var cx=l+((a+dt/2)/x1)*(r-l);
    cur.setAttribute("x1",cx);cur.setAttribute("x2",cx);cur.style.display="";
    var fb=fig.getBoundingClientRect(),px=e.clientX-fb.left+12;
    if(px+tip.offsetWidth>fb.width)px=Math.max(0,e.clientX-fb.left-tip.offsetWidth-12);
    tip.style.left=px+"px";tip.style.top=(e.clientY-fb.top+12)+"px";
  });
  svg.addEventListener("pointerleave",hide);
});
})();"#;

/// The document head up to and including `<body>`.
#[must_use]
pub fn head(title: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><meta name=\"color-scheme\" content=\"light dark\"><title>{}</title><style>{STYLE}</style></head><body>",
        super::escape(title)
    )
}

/// The end of the document: the script, then `</body></html>`.
#[must_use]
pub fn tail() -> String {
    format!("<script>{SCRIPT}</script></body></html>\n")
}

/// Every table in its own horizontally scrolling box (with its first column
/// kept in view by the style), so a wide table never widens the page. Done
/// on the finished page so every section's tables get it.
#[must_use]
pub fn wrap_tables(page: &str) -> String {
    page.replace("<table>", "<div class=\"wide\"><table>").replace("</table>", "</table></div>")
}
