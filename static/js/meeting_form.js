// The meeting form: the time zone follows the country (then the region) until the
// leader types another one, and the zone stands beside the start and end times.
document.addEventListener("DOMContentLoaded", () => {
  const data = document.getElementById("zone-defaults");
  const zone = document.getElementById("id_time_zone");
  const country = document.getElementById("id_country");
  const region = document.getElementById("id_region");
  if (!data || !zone || !country) return;
  const defaults = JSON.parse(data.textContent);
  const fallback = () => {
    const zones = defaults.countries[country.value] || [];
    const regionZone = region ? defaults.regions[region.value] || "" : "";
    if (regionZone && zones.includes(regionZone)) return regionZone;
    return zones[0] || regionZone;
  };
  const showHint = () => {
    const name = zone.value.trim() || fallback() || "the meeting's time zone";
    document.querySelectorAll("[data-zone-hint]").forEach((el) => {
      el.textContent = name;
    });
  };
  // Following the country unless the leader chose a zone of their own.
  let follows = !zone.value || zone.value === fallback();
  const follow = () => {
    if (follows) zone.value = fallback();
    showHint();
  };
  country.addEventListener("change", follow);
  if (region) region.addEventListener("change", follow);
  zone.addEventListener("input", () => {
    follows = !zone.value || zone.value === fallback();
    showHint();
  });
  showHint();
});
