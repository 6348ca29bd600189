/*
 * structured.c -- the agenda as XML (libxml2), for STRUCTURED-DATA.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/tree.h>

#include "structured.h"
#include "tz.h"

time_t cst_agenda_item_start(const cst_event *ev, time_t start, size_t i)
{
    size_t k;
    time_t t = start;

    for (k = 0; k < i && k < ev->agenda.n; k++) {
        if (ev->agenda.items[k].minutes > 0)
            t += (time_t)ev->agenda.items[k].minutes * 60;
    }
    return t;
}

static int set_time(xmlNodePtr n, const char *attr, time_t t,
                    icaltimezone *zone)
{
    char buf[40];

    cst_tz_format_iso(t, zone, buf, sizeof(buf));
    return xmlNewProp(n, BAD_CAST attr, BAD_CAST buf) != NULL;
}

static int set_int(xmlNodePtr n, const char *attr, long v)
{
    char buf[24];

    snprintf(buf, sizeof(buf), "%ld", v);
    return xmlNewProp(n, BAD_CAST attr, BAD_CAST buf) != NULL;
}

/* xmlNewTextChild escapes the text; NULL text adds nothing. */
static int text_child(xmlNodePtr parent, xmlNsPtr ns, const char *name,
                      const char *text)
{
    if (text == NULL)
        return 1;
    return xmlNewTextChild(parent, ns, BAD_CAST name, BAD_CAST text) != NULL;
}

static int add_owner(xmlNodePtr item, xmlNsPtr ns, const cst_event *ev,
                     const char *owner)
{
    xmlNodePtr o;
    int idx;

    if (owner == NULL)
        return 1;
    o = xmlNewTextChild(item, ns, BAD_CAST "owner", BAD_CAST owner);
    if (o == NULL)
        return 0;
    idx = cst_event_resolve_owner(ev, owner);
    if (idx >= 0) {
        const cst_participant *pp = &ev->people[idx];
        xmlChar *addr;
        int ok;

        /* pp->addr lost its "mailto:"; another scheme (urn:uuid:, as
         * some servers write) stays -- an e-mail address has no ':' */
        addr = xmlStrncatNew(
            BAD_CAST(strchr(pp->addr, ':') != NULL ? "" : "mailto:"),
            BAD_CAST pp->addr, -1);
        if (addr == NULL)
            return 0;
        ok = (pp->cn == NULL
              || xmlNewProp(o, BAD_CAST "cn", BAD_CAST pp->cn) != NULL)
             && xmlNewProp(o, BAD_CAST "address", addr) != NULL;
        xmlFree(addr);
        if (!ok)
            return 0;
    }
    return 1;
}

cst_status cst_agenda_xml(const cst_event *ev, time_t start, time_t end,
                          const cst_policy *p, char **out, size_t *len)
{
    xmlDocPtr doc = NULL;
    xmlNodePtr root, n;
    xmlNsPtr ns;
    xmlBufferPtr buf = NULL;
    cst_status st = CST_ERR_NOMEM;
    size_t i;
    char goal[CST_MAX_LINE_BYTES];

    *out = NULL;
    doc = xmlNewDoc(BAD_CAST "1.0");
    if (doc == NULL)
        goto done;
    /* without an encoding libxml2 writes non-ASCII attribute values as
     * character references */
    doc->encoding = xmlStrdup(BAD_CAST "UTF-8");
    if (doc->encoding == NULL)
        goto done;
    root = xmlNewNode(NULL, BAD_CAST "agenda");
    if (root == NULL)
        goto done;
    xmlDocSetRootElement(doc, root);
    ns = xmlNewNs(root, BAD_CAST CST_AGENDA_NS, NULL);
    if (ns == NULL)
        goto done;
    xmlSetNs(root, ns);
    if (!set_time(root, "start", start, ev->zone)
        || !set_time(root, "end", end, ev->zone))
        goto done;
    if (ev->zone != NULL
        && xmlNewProp(root, BAD_CAST "tzid",
                      BAD_CAST icaltimezone_get_tzid(ev->zone)) == NULL)
        goto done;
    if (ev->has_goal) {
        const cst_span *g = &ev->sections.sec[CST_SEC_GOAL];
        size_t gl = g->len < sizeof(goal) - 1 ? g->len : sizeof(goal) - 1;

        /* cut on a character: a split one would make the whole object
         * invalid UTF-8, which the next save refuses */
        while (gl > 0 && gl < g->len
               && ((unsigned char)g->text[gl] & 0xC0) == 0x80)
            gl--;
        memcpy(goal, g->text, gl);
        goal[gl] = '\0';
        if (!text_child(root, ns, "goal", goal))
            goto done;
    }
    for (i = 0; i < ev->agenda.n; i++) {
        const cst_agenda_item *it = &ev->agenda.items[i];

        n = xmlNewChild(root, ns, BAD_CAST "item", NULL);
        if (n == NULL || !set_int(n, "n", (long)i + 1)
            || !set_time(n, "start", cst_agenda_item_start(ev, start, i),
                         ev->zone)
            || (it->minutes >= 0 && !set_int(n, "minutes", it->minutes))
            || !text_child(n, ns, "topic", it->topic)
            || !add_owner(n, ns, ev, it->owner)
            || !text_child(n, ns, "goal", it->goal))
            goto done;
    }
    n = xmlNewChild(root, ns, BAD_CAST "buffer", NULL);
    if (n == NULL
        || !set_time(n, "start", cst_agenda_item_start(ev, start, i),
                     ev->zone)
        || !set_int(n, "minutes", p->buffer_minutes))
        goto done;
    buf = xmlBufferCreate();
    if (buf == NULL || xmlNodeDump(buf, doc, root, 0, 0) < 0)
        goto done;
    *len = (size_t)xmlBufferLength(buf);
    *out = malloc(*len + 1);
    if (*out == NULL)
        goto done;
    memcpy(*out, xmlBufferContent(buf), *len);
    (*out)[*len] = '\0';
    st = CST_OK;
done:
    if (buf != NULL)
        xmlBufferFree(buf);
    if (doc != NULL)
        xmlFreeDoc(doc);
    return st;
}
