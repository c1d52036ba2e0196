// Inside the framed event list (/embed/). The page is the same for every visitor of every site, so it is
// written in each event's own zone; this adds, under each <time>, the visitor's own time with the browser's own
// zone rules (Intl), in the shape the rest of the site uses ("Your time: ..."), and keeps the event's: for an
// event in a place, its local time is the one on the door. It also tells the embedding page our height, for
// the loader (embed.js) to fit the frame. Without this script the list shows the events' zones and scrolls.
(function () {
  "use strict";
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                "October", "November", "December"];
  var WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

  // Another language than English: the page gives its sentences (data- attributes of #zone-note) and the
  // browser's Intl writes its dates, clock times and zone names.
  var LANG = document.documentElement.lang || "en";
  var ENGLISH = LANG === "en";
  var note = document.getElementById("zone-note");
  function words(name, fallback) { return (note && note.getAttribute("data-" + name)) || fallback; }
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (whole, key) { return key in values ? values[key] : whole; });
  }
  function localised(w, options) {
    options.timeZone = "UTC";
    return new Intl.DateTimeFormat(LANG, options).format(new Date(Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute)));
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // The wall-clock fields of an instant in a zone, and the zone's offset from UTC then, in minutes.
  function wallClock(instant, zone) {
    var fields = {};
    new Intl.DateTimeFormat("en-US", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric",
      hour: "numeric", minute: "numeric", second: "numeric"
    }).formatToParts(instant).forEach(function (part) { fields[part.type] = Number(part.value); });
    var local = Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour % 24, fields.minute, fields.second);
    return {
      year: fields.year, month: fields.month, day: fields.day, hour: fields.hour % 24, minute: fields.minute,
      dayNumber: Date.UTC(fields.year, fields.month - 1, fields.day) / 86400000,
      offset: Math.round((local - Math.floor(instant.getTime() / 1000) * 1000) / 60000)
    };
  }

  function clock(w) {
    if (!ENGLISH) { return localised(w, {hour: "numeric", minute: "2-digit", hourCycle: "h23"}); }
    return (w.hour % 12 || 12) + ":" + pad(w.minute) + (w.hour < 12 ? " AM" : " PM");
  }
  function shortDate(w) {
    if (!ENGLISH) { return localised(w, {day: "numeric", month: "long", year: "numeric"}); }
    return w.day + " " + MONTHS[w.month - 1] + " " + w.year;
  }
  function longDate(w) {
    if (!ENGLISH) { return localised(w, {weekday: "long", day: "numeric", month: "long", year: "numeric"}); }
    return WEEKDAYS[new Date(w.dayNumber * 86400000).getUTCDay()] + " " + shortDate(w);
  }

  function zoneLabel(instant, zone, w) {
    var name = new Intl.DateTimeFormat(ENGLISH ? "en-US" : LANG, {timeZone: zone, timeZoneName: "long"})
      .formatToParts(instant).filter(function (part) { return part.type === "timeZoneName"; })[0];
    var minutes = Math.abs(w.offset);
    var offset = "UTC " + (w.offset < 0 ? "-" : "+") + Math.floor(minutes / 60) + (minutes % 60 ? ":" + pad(minutes % 60) : "");
    return (name ? name.value : zone) + " [" + offset + "]";
  }

  // As eventreg.timezones.time_range, after the date: "Friday 31 January 2025, 5:00 AM – 6:00 AM Central
  // European Standard Time [UTC +1]"; an end on a later day says so, and ends under two offsets each say theirs.
  function timeLine(start, end, zone) {
    var s = wallClock(start, zone), e = wallClock(end, zone);
    var days = e.dayNumber - s.dayNumber;
    var endText = clock(e);
    if (days === 1) { endText = fill(words("next-day", "{time} the next day"), {time: endText}); }
    if (days > 1) { endText = fill(words("on-date", "{time} on {date}"), {time: endText, date: shortDate(e)}); }
    if (s.offset !== e.offset) {
      return longDate(s) + ", " + clock(s) + " " + zoneLabel(start, zone, s) + " – " + endText + " " + zoneLabel(end, zone, e);
    }
    return longDate(s) + ", " + clock(s) + " – " + endText + " " + zoneLabel(start, zone, s);
  }

  function showVisitorTimes() {
    var zone;
    try { zone = window.Intl && Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (error) { return; }
    if (!zone) { return; }
    var times = document.querySelectorAll("time[data-end]");
    try {
      var lines = [];
      Array.prototype.forEach.call(times, function (time) {
        var mine = time.parentNode.nextElementSibling;
        if (time.getAttribute("data-zone") !== zone && mine && mine.classList.contains("when-visitor")) {
          var start = new Date(time.getAttribute("datetime")), end = new Date(time.getAttribute("data-end"));
          lines.push([mine, fill(words("your-time", "Your time: {time}"), {time: timeLine(start, end, zone)})]);
        }
      });
      // Written only once every line could be: a zone this browser cannot format leaves the page as it was.
      lines.forEach(function (line) { line[0].textContent = line[1]; line[0].hidden = false; });
      if (!lines.length) { return; }
    } catch (error) {
      return;
    }
    if (note) {
      var both = words("both", "Times are in each event\u2019s own time zone, and in yours ({zone}).");
      note.textContent = fill(both, {zone: zone.replace(/_/g, " ")});
    }
  }

  // The loader on the embedding page checks that this comes from our origin and has this shape; a height is
  // no secret, so any page may read it ("*").
  function reportHeight() {
    if (window.parent === window) { return; }
    var last = -1;
    function send(force) {
      var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
      if (height !== last || force) {
        last = height;
        window.parent.postMessage({type: "eventreg-embed-height", height: height}, "*");
      }
    }
    if (window.ResizeObserver) { new ResizeObserver(function () { send(false); }).observe(document.documentElement); }
    window.addEventListener("load", function () { send(false); });
    window.addEventListener("resize", function () { send(false); });
    // A loader that arrives after our first report asks again.
    window.addEventListener("message", function (event) {
      if (event.source === window.parent && event.data && event.data.type === "eventreg-embed-ask") { send(true); }
    });
    send(true);
  }

  showVisitorTimes();
  reportHeight();
})();
