/*
 * tz_windows.c -- Windows time zone names (as Outlook and Exchange write
 * them in TZID) and Outlook's display names, mapped to Olson names.
 *
 * The table follows CLDR's windowsZones.xml, territory "001" (the zone
 * Windows means when no country is given), with the Olson names in their
 * current canonical spelling (Asia/Kolkata, not Asia/Calcutta) so that
 * they are all in the system's zone.tab.  A few names Windows no longer
 * uses but old Outlook versions still send are in it too ("Mexico
 * Standard Time", "Armenian Standard Time", "Kamchatka Standard Time",
 * "Mid-Atlantic Standard Time").
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/tz.h"

#define NAME_MAX_BYTES 128

struct win_zone {
    const char *windows;
    const char *olson;
};

static const struct win_zone win_zones[] = {
    /* Windows name, Olson name; sorted by strcasecmp() of the first */
    {"Afghanistan Standard Time", "Asia/Kabul"},
    {"Alaskan Standard Time", "America/Anchorage"},
    {"Aleutian Standard Time", "America/Adak"},
    {"Altai Standard Time", "Asia/Barnaul"},
    {"Arab Standard Time", "Asia/Riyadh"},
    {"Arabian Standard Time", "Asia/Dubai"},
    {"Arabic Standard Time", "Asia/Baghdad"},
    {"Argentina Standard Time", "America/Argentina/Buenos_Aires"},
    {"Armenian Standard Time", "Asia/Yerevan"},
    {"Astrakhan Standard Time", "Europe/Astrakhan"},
    {"Atlantic Standard Time", "America/Halifax"},
    {"AUS Central Standard Time", "Australia/Darwin"},
    {"Aus Central W. Standard Time", "Australia/Eucla"},
    {"AUS Eastern Standard Time", "Australia/Sydney"},
    {"Azerbaijan Standard Time", "Asia/Baku"},
    {"Azores Standard Time", "Atlantic/Azores"},
    {"Bahia Standard Time", "America/Bahia"},
    {"Bangladesh Standard Time", "Asia/Dhaka"},
    {"Belarus Standard Time", "Europe/Minsk"},
    {"Bougainville Standard Time", "Pacific/Bougainville"},
    {"Canada Central Standard Time", "America/Regina"},
    {"Cape Verde Standard Time", "Atlantic/Cape_Verde"},
    {"Caucasus Standard Time", "Asia/Yerevan"},
    {"Cen. Australia Standard Time", "Australia/Adelaide"},
    {"Central America Standard Time", "America/Guatemala"},
    {"Central Asia Standard Time", "Asia/Bishkek"},
    {"Central Brazilian Standard Time", "America/Cuiaba"},
    {"Central Europe Standard Time", "Europe/Budapest"},
    {"Central European Standard Time", "Europe/Warsaw"},
    {"Central Pacific Standard Time", "Pacific/Guadalcanal"},
    {"Central Standard Time", "America/Chicago"},
    {"Central Standard Time (Mexico)", "America/Mexico_City"},
    {"Chatham Islands Standard Time", "Pacific/Chatham"},
    {"China Standard Time", "Asia/Shanghai"},
    {"Cuba Standard Time", "America/Havana"},
    {"Dateline Standard Time", "Etc/GMT+12"},
    {"E. Africa Standard Time", "Africa/Nairobi"},
    {"E. Australia Standard Time", "Australia/Brisbane"},
    {"E. Europe Standard Time", "Europe/Chisinau"},
    {"E. South America Standard Time", "America/Sao_Paulo"},
    {"Easter Island Standard Time", "Pacific/Easter"},
    {"Eastern Standard Time", "America/New_York"},
    {"Eastern Standard Time (Mexico)", "America/Cancun"},
    {"Egypt Standard Time", "Africa/Cairo"},
    {"Ekaterinburg Standard Time", "Asia/Yekaterinburg"},
    {"Fiji Standard Time", "Pacific/Fiji"},
    {"FLE Standard Time", "Europe/Kyiv"},
    {"Georgian Standard Time", "Asia/Tbilisi"},
    {"GMT Standard Time", "Europe/London"},
    {"Greenland Standard Time", "America/Nuuk"},
    {"Greenwich Standard Time", "Atlantic/Reykjavik"},
    {"GTB Standard Time", "Europe/Bucharest"},
    {"Haiti Standard Time", "America/Port-au-Prince"},
    {"Hawaiian Standard Time", "Pacific/Honolulu"},
    {"India Standard Time", "Asia/Kolkata"},
    {"Iran Standard Time", "Asia/Tehran"},
    {"Israel Standard Time", "Asia/Jerusalem"},
    {"Jordan Standard Time", "Asia/Amman"},
    {"Kaliningrad Standard Time", "Europe/Kaliningrad"},
    {"Kamchatka Standard Time", "Asia/Kamchatka"},
    {"Korea Standard Time", "Asia/Seoul"},
    {"Libya Standard Time", "Africa/Tripoli"},
    {"Line Islands Standard Time", "Pacific/Kiritimati"},
    {"Lord Howe Standard Time", "Australia/Lord_Howe"},
    {"Magadan Standard Time", "Asia/Magadan"},
    {"Magallanes Standard Time", "America/Punta_Arenas"},
    {"Marquesas Standard Time", "Pacific/Marquesas"},
    {"Mauritius Standard Time", "Indian/Mauritius"},
    {"Mexico Standard Time", "America/Mexico_City"},
    {"Mexico Standard Time 2", "America/Chihuahua"},
    {"Mid-Atlantic Standard Time", "Etc/GMT+2"},
    {"Middle East Standard Time", "Asia/Beirut"},
    {"Montevideo Standard Time", "America/Montevideo"},
    {"Morocco Standard Time", "Africa/Casablanca"},
    {"Mountain Standard Time", "America/Denver"},
    {"Mountain Standard Time (Mexico)", "America/Mazatlan"},
    {"Myanmar Standard Time", "Asia/Yangon"},
    {"N. Central Asia Standard Time", "Asia/Novosibirsk"},
    {"Namibia Standard Time", "Africa/Windhoek"},
    {"Nepal Standard Time", "Asia/Kathmandu"},
    {"New Zealand Standard Time", "Pacific/Auckland"},
    {"Newfoundland Standard Time", "America/St_Johns"},
    {"Norfolk Standard Time", "Pacific/Norfolk"},
    {"North Asia East Standard Time", "Asia/Irkutsk"},
    {"North Asia Standard Time", "Asia/Krasnoyarsk"},
    {"North Korea Standard Time", "Asia/Pyongyang"},
    {"Omsk Standard Time", "Asia/Omsk"},
    {"Pacific SA Standard Time", "America/Santiago"},
    {"Pacific Standard Time", "America/Los_Angeles"},
    {"Pacific Standard Time (Mexico)", "America/Tijuana"},
    {"Pakistan Standard Time", "Asia/Karachi"},
    {"Paraguay Standard Time", "America/Asuncion"},
    {"Qyzylorda Standard Time", "Asia/Qyzylorda"},
    {"Romance Standard Time", "Europe/Paris"},
    {"Russia Time Zone 10", "Asia/Srednekolymsk"},
    {"Russia Time Zone 11", "Asia/Kamchatka"},
    {"Russia Time Zone 3", "Europe/Samara"},
    {"Russian Standard Time", "Europe/Moscow"},
    {"SA Eastern Standard Time", "America/Cayenne"},
    {"SA Pacific Standard Time", "America/Bogota"},
    {"SA Western Standard Time", "America/La_Paz"},
    {"Saint Pierre Standard Time", "America/Miquelon"},
    {"Sakhalin Standard Time", "Asia/Sakhalin"},
    {"Samoa Standard Time", "Pacific/Apia"},
    {"Sao Tome Standard Time", "Africa/Sao_Tome"},
    {"Saratov Standard Time", "Europe/Saratov"},
    {"SE Asia Standard Time", "Asia/Bangkok"},
    {"Singapore Standard Time", "Asia/Singapore"},
    {"South Africa Standard Time", "Africa/Johannesburg"},
    {"South Sudan Standard Time", "Africa/Juba"},
    {"Sri Lanka Standard Time", "Asia/Colombo"},
    {"Sudan Standard Time", "Africa/Khartoum"},
    {"Syria Standard Time", "Asia/Damascus"},
    {"Taipei Standard Time", "Asia/Taipei"},
    {"Tasmania Standard Time", "Australia/Hobart"},
    {"Tocantins Standard Time", "America/Araguaina"},
    {"Tokyo Standard Time", "Asia/Tokyo"},
    {"Tomsk Standard Time", "Asia/Tomsk"},
    {"Tonga Standard Time", "Pacific/Tongatapu"},
    {"Transbaikal Standard Time", "Asia/Chita"},
    {"Turkey Standard Time", "Europe/Istanbul"},
    {"Turks And Caicos Standard Time", "America/Grand_Turk"},
    {"Ulaanbaatar Standard Time", "Asia/Ulaanbaatar"},
    {"US Eastern Standard Time", "America/Indiana/Indianapolis"},
    {"US Mountain Standard Time", "America/Phoenix"},
    {"UTC", "UTC"},
    {"UTC+12", "Etc/GMT-12"},
    {"UTC+13", "Etc/GMT-13"},
    {"UTC-02", "Etc/GMT+2"},
    {"UTC-08", "Etc/GMT+8"},
    {"UTC-09", "Etc/GMT+9"},
    {"UTC-11", "Etc/GMT+11"},
    {"Venezuela Standard Time", "America/Caracas"},
    {"Vladivostok Standard Time", "Asia/Vladivostok"},
    {"Volgograd Standard Time", "Europe/Volgograd"},
    {"W. Australia Standard Time", "Australia/Perth"},
    {"W. Central Africa Standard Time", "Africa/Lagos"},
    {"W. Europe Standard Time", "Europe/Berlin"},
    {"W. Mongolia Standard Time", "Asia/Hovd"},
    {"West Asia Standard Time", "Asia/Tashkent"},
    {"West Bank Standard Time", "Asia/Hebron"},
    {"West Pacific Standard Time", "Pacific/Port_Moresby"},
    {"Yakutsk Standard Time", "Asia/Yakutsk"},
    {"Yukon Standard Time", "America/Whitehorse"},
};

/* Outlook's display names without their "(UTC+hh:mm) " prefix, e.g. the
 * TZID "(UTC+08:00) Beijing, Chongqing, Hong Kong, Urumqi".  Searched in
 * order; only used when a TZID is no Windows name. */
static const struct win_zone win_displays[] = {
    {"International Date Line West", "Etc/GMT+12"},
    {"Coordinated Universal Time-11", "Etc/GMT+11"},
    {"Aleutian Islands", "America/Adak"},
    {"Hawaii", "Pacific/Honolulu"},
    {"Marquesas Islands", "Pacific/Marquesas"},
    {"Alaska", "America/Anchorage"},
    {"Coordinated Universal Time-09", "Etc/GMT+9"},
    {"Baja California", "America/Tijuana"},
    {"Coordinated Universal Time-08", "Etc/GMT+8"},
    {"Pacific Time (US & Canada)", "America/Los_Angeles"},
    {"Arizona", "America/Phoenix"},
    {"Chihuahua, La Paz, Mazatlan", "America/Mazatlan"},
    {"Mountain Time (US & Canada)", "America/Denver"},
    {"Yukon", "America/Whitehorse"},
    {"Central America", "America/Guatemala"},
    {"Central Time (US & Canada)", "America/Chicago"},
    {"Easter Island", "Pacific/Easter"},
    {"Guadalajara, Mexico City, Monterrey", "America/Mexico_City"},
    {"Saskatchewan", "America/Regina"},
    {"Bogota, Lima, Quito, Rio Branco", "America/Bogota"},
    {"Chetumal", "America/Cancun"},
    {"Eastern Time (US & Canada)", "America/New_York"},
    {"Haiti", "America/Port-au-Prince"},
    {"Havana", "America/Havana"},
    {"Indiana (East)", "America/Indiana/Indianapolis"},
    {"Turks and Caicos", "America/Grand_Turk"},
    {"Asuncion", "America/Asuncion"},
    {"Atlantic Time (Canada)", "America/Halifax"},
    {"Caracas", "America/Caracas"},
    {"Cuiaba", "America/Cuiaba"},
    {"Georgetown, La Paz, Manaus, San Juan", "America/La_Paz"},
    {"Santiago", "America/Santiago"},
    {"Newfoundland", "America/St_Johns"},
    {"Araguaina", "America/Araguaina"},
    {"Brasilia", "America/Sao_Paulo"},
    {"Cayenne, Fortaleza", "America/Cayenne"},
    {"City of Buenos Aires", "America/Argentina/Buenos_Aires"},
    {"Greenland", "America/Nuuk"},
    {"Montevideo", "America/Montevideo"},
    {"Punta Arenas", "America/Punta_Arenas"},
    {"Saint Pierre and Miquelon", "America/Miquelon"},
    {"Salvador", "America/Bahia"},
    {"Coordinated Universal Time-02", "Etc/GMT+2"},
    {"Azores", "Atlantic/Azores"},
    {"Cabo Verde Is.", "Atlantic/Cape_Verde"},
    {"Coordinated Universal Time", "UTC"},
    {"Dublin, Edinburgh, Lisbon, London", "Europe/London"},
    {"Monrovia, Reykjavik", "Atlantic/Reykjavik"},
    {"Sao Tome", "Africa/Sao_Tome"},
    {"Casablanca", "Africa/Casablanca"},
    {"Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna", "Europe/Berlin"},
    {"Belgrade, Bratislava, Budapest, Ljubljana, Prague", "Europe/Budapest"},
    {"Brussels, Copenhagen, Madrid, Paris", "Europe/Paris"},
    {"Sarajevo, Skopje, Warsaw, Zagreb", "Europe/Warsaw"},
    {"West Central Africa", "Africa/Lagos"},
    {"Amman", "Asia/Amman"},
    {"Athens, Bucharest", "Europe/Bucharest"},
    {"Beirut", "Asia/Beirut"},
    {"Cairo", "Africa/Cairo"},
    {"Chisinau", "Europe/Chisinau"},
    {"Damascus", "Asia/Damascus"},
    {"Gaza, Hebron", "Asia/Hebron"},
    {"Harare, Pretoria", "Africa/Johannesburg"},
    {"Helsinki, Kyiv, Riga, Sofia, Tallinn, Vilnius", "Europe/Kyiv"},
    {"Jerusalem", "Asia/Jerusalem"},
    {"Juba", "Africa/Juba"},
    {"Kaliningrad", "Europe/Kaliningrad"},
    {"Khartoum", "Africa/Khartoum"},
    {"Tripoli", "Africa/Tripoli"},
    {"Windhoek", "Africa/Windhoek"},
    {"Baghdad", "Asia/Baghdad"},
    {"Istanbul", "Europe/Istanbul"},
    {"Kuwait, Riyadh", "Asia/Riyadh"},
    {"Minsk", "Europe/Minsk"},
    {"Moscow, St. Petersburg", "Europe/Moscow"},
    {"Nairobi", "Africa/Nairobi"},
    {"Volgograd", "Europe/Volgograd"},
    {"Tehran", "Asia/Tehran"},
    {"Abu Dhabi, Muscat", "Asia/Dubai"},
    {"Astrakhan, Ulyanovsk", "Europe/Astrakhan"},
    {"Baku", "Asia/Baku"},
    {"Izhevsk, Samara", "Europe/Samara"},
    {"Port Louis", "Indian/Mauritius"},
    {"Saratov", "Europe/Saratov"},
    {"Tbilisi", "Asia/Tbilisi"},
    {"Yerevan", "Asia/Yerevan"},
    {"Kabul", "Asia/Kabul"},
    {"Ashgabat, Tashkent", "Asia/Tashkent"},
    {"Ekaterinburg", "Asia/Yekaterinburg"},
    {"Islamabad, Karachi", "Asia/Karachi"},
    {"Qyzylorda", "Asia/Qyzylorda"},
    {"Chennai, Kolkata, Mumbai, New Delhi", "Asia/Kolkata"},
    {"Sri Jayawardenepura", "Asia/Colombo"},
    {"Kathmandu", "Asia/Kathmandu"},
    {"Astana", "Asia/Bishkek"},
    {"Dhaka", "Asia/Dhaka"},
    {"Omsk", "Asia/Omsk"},
    {"Yangon (Rangoon)", "Asia/Yangon"},
    {"Bangkok, Hanoi, Jakarta", "Asia/Bangkok"},
    {"Barnaul, Gorno-Altaysk", "Asia/Barnaul"},
    {"Hovd", "Asia/Hovd"},
    {"Krasnoyarsk", "Asia/Krasnoyarsk"},
    {"Novosibirsk", "Asia/Novosibirsk"},
    {"Tomsk", "Asia/Tomsk"},
    {"Beijing, Chongqing, Hong Kong, Urumqi", "Asia/Shanghai"},
    {"Irkutsk", "Asia/Irkutsk"},
    {"Kuala Lumpur, Singapore", "Asia/Singapore"},
    {"Perth", "Australia/Perth"},
    {"Taipei", "Asia/Taipei"},
    {"Ulaanbaatar", "Asia/Ulaanbaatar"},
    {"Eucla", "Australia/Eucla"},
    {"Chita", "Asia/Chita"},
    {"Osaka, Sapporo, Tokyo", "Asia/Tokyo"},
    {"Pyongyang", "Asia/Pyongyang"},
    {"Seoul", "Asia/Seoul"},
    {"Yakutsk", "Asia/Yakutsk"},
    {"Adelaide", "Australia/Adelaide"},
    {"Darwin", "Australia/Darwin"},
    {"Brisbane", "Australia/Brisbane"},
    {"Canberra, Melbourne, Sydney", "Australia/Sydney"},
    {"Guam, Port Moresby", "Pacific/Port_Moresby"},
    {"Hobart", "Australia/Hobart"},
    {"Vladivostok", "Asia/Vladivostok"},
    {"Lord Howe Island", "Australia/Lord_Howe"},
    {"Bougainville Island", "Pacific/Bougainville"},
    {"Chokurdakh", "Asia/Srednekolymsk"},
    {"Magadan", "Asia/Magadan"},
    {"Norfolk Island", "Pacific/Norfolk"},
    {"Sakhalin", "Asia/Sakhalin"},
    {"Solomon Is., New Caledonia", "Pacific/Guadalcanal"},
    {"Anadyr, Petropavlovsk-Kamchatsky", "Asia/Kamchatka"},
    {"Auckland, Wellington", "Pacific/Auckland"},
    {"Coordinated Universal Time+12", "Etc/GMT-12"},
    {"Fiji", "Pacific/Fiji"},
    {"Chatham Islands", "Pacific/Chatham"},
    {"Coordinated Universal Time+13", "Etc/GMT-13"},
    {"Nuku'alofa", "Pacific/Tongatapu"},
    {"Samoa", "Pacific/Apia"},
    {"Kiritimati Island", "Pacific/Kiritimati"},
    {"La Paz, Mazatlan", "America/Mazatlan"},
    {"Helsinki, Kiev, Riga, Sofia, Tallinn, Vilnius", "Europe/Kyiv"},
    {"Greenwich Mean Time : Dublin, Edinburgh, Lisbon, London",
     "Europe/London"},
    {"Greenwich Mean Time: Dublin, Edinburgh, Lisbon, London", "Europe/London"},
};

/* Fixed-offset zones for display names that are not in the table, by
 * whole hours east of UTC + 12 (POSIX signs are inverted: Etc/GMT-8 is
 * UTC+08:00). */
static const char *const etc_gmt[] = {
    "Etc/GMT+12", "Etc/GMT+11", "Etc/GMT+10", "Etc/GMT+9",  "Etc/GMT+8",
    "Etc/GMT+7",  "Etc/GMT+6",  "Etc/GMT+5",  "Etc/GMT+4",  "Etc/GMT+3",
    "Etc/GMT+2",  "Etc/GMT+1",  "UTC",        "Etc/GMT-1",  "Etc/GMT-2",
    "Etc/GMT-3",  "Etc/GMT-4",  "Etc/GMT-5",  "Etc/GMT-6",  "Etc/GMT-7",
    "Etc/GMT-8",  "Etc/GMT-9",  "Etc/GMT-10", "Etc/GMT-11", "Etc/GMT-12",
    "Etc/GMT-13", "Etc/GMT-14"};

static int cmp_windows(const void *key, const void *elem)
{
    const struct win_zone *z = elem;

    return strcasecmp(key, z->windows);
}

/*
 * Copies name without surrounding white space and double quotes (Outlook
 * quotes TZIDs holding commas or colons) into buf.  Returns 0 when it is
 * empty or does not fit.
 */
static int unquote(const char *name, char *buf, size_t n)
{
    const char *s = name, *e = name + strlen(name);

    while (s < e && (isspace((unsigned char)*s) || *s == '"'))
        s++;
    while (e > s && (isspace((unsigned char)e[-1]) || e[-1] == '"'))
        e--;
    if (s == e || (size_t)(e - s) >= n)
        return 0;
    memcpy(buf, s, (size_t)(e - s));
    buf[e - s] = '\0';
    return 1;
}

/* Reads 1 or 2 digits at *p; returns -1 when there are none. */
static int two_digits(const char **p)
{
    int v;

    if (!isdigit((unsigned char)**p))
        return -1;
    v = **p - '0';
    (*p)++;
    if (isdigit((unsigned char)**p)) {
        v = v * 10 + (**p - '0');
        (*p)++;
    }
    return v;
}

/*
 * Parses an Outlook display name "(UTC+08:00) Beijing, ..." (also "(GMT
 * +08:00)", "(UTC)", "(UTC-03:30)").  Returns the Olson name of a known
 * display name; for an unknown one a fixed-offset zone when the offset is
 * a whole number of hours, else NULL.
 */
static const char *from_display(const char *name)
{
    const char *p = name, *cities;
    int sign = 1, h = 0, m = 0;
    size_t i;

    if (strncasecmp(p, "(UTC", 4) != 0 && strncasecmp(p, "(GMT", 4) != 0)
        return NULL;
    p += 4;
    while (*p == ' ')
        p++;
    if (*p == '+' || *p == '-' || *p == '\xe2') {
        if (*p == '-')
            sign = -1;
        /* U+2212 MINUS SIGN, as some localised Windows versions write */
        if (*p == '\xe2') {
            if (strncmp(p, "\xe2\x88\x92", 3) != 0)
                return NULL;
            sign = -1;
            p += 2;
        }
        p++;
        if ((h = two_digits(&p)) < 0)
            return NULL;
        if (*p == ':' || *p == '.') {
            p++;
            if ((m = two_digits(&p)) < 0)
                return NULL;
        }
    }
    while (*p == ' ')
        p++;
    if (*p != ')')
        return NULL;
    cities = p + 1;
    while (*cities == ' ')
        cities++;
    for (i = 0; i < sizeof(win_displays) / sizeof(win_displays[0]); i++) {
        if (strcasecmp(cities, win_displays[i].windows) == 0)
            return win_displays[i].olson;
    }
    if (m != 0 || h > 14 || (sign < 0 && h > 12))
        return NULL;
    return etc_gmt[12 + sign * h];
}

/*
 * Returns the Olson name for a Windows time zone name ("China Standard
 * Time", ASCII case-insensitively, also in double quotes) or an Outlook
 * display name ("(UTC+08:00) Beijing, Chongqing, Hong Kong, Urumqi"); an
 * unknown display name with a whole-hour offset gives a fixed-offset zone
 * ("Etc/GMT-8").  Returns NULL when none fits.  The string is static.
 */
const char *cst_tz_windows_to_olson(const char *name)
{
    char buf[NAME_MAX_BYTES];
    const struct win_zone *z;

    if (name == NULL || !unquote(name, buf, sizeof(buf)))
        return NULL;
    z = bsearch(buf, win_zones, sizeof(win_zones) / sizeof(win_zones[0]),
                sizeof(win_zones[0]), cmp_windows);
    if (z != NULL)
        return z->olson;
    return from_display(buf);
}
