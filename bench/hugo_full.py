"""Hugo's side of `versus_hugo.py --layout full`: a Hugo site that makes the pages our build makes
for bench.py's synthetic archive, with the same information on them, written the way a Hugo user
would write it (taxonomy, shortcodes, a heading render hook, page resources, `.Fragments`,
`partialCached` for what is the same on many pages).

`full_site(ours, target)` converts bench.py's archive (content in this project's model) into a
Hugo project: content (with `order` → `weight`, entry ids as heading attributes, `::: table` and
`::: figure` as shortcodes), the table files as the chapter bundle's resources, data (the
department registry, a pinyin table), i18n (this project's UI strings) and static files.
What is converted, and what the templates do, is described in versus_hugo.py's docstring.
"""
from __future__ import annotations

import datetime
import json
import re
import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent

# The department kinds in the directory's order (yearbook/data.py KINDS).
KINDS = ("leadership", "discipline", "judicial", "party", "government", "mass", "park", "hq",
         "enterprise", "vertical", "military", "street", "office")

CONFIG = """baseURL = "https://example.org/"
title = "合成年鉴"
defaultContentLanguage = "zh"
defaultContentLanguageInSubdir = true
disableKinds = ["RSS"]
enableRobotsTXT = true
disableHugoGeneratorInject = true
[languages.zh]
  locale = "zh-CN"
  label = "中文"
  weight = 1
[taxonomies]
  department = "departments"
[markup.goldmark.renderer]
  unsafe = true
[params]
  kinds = [%(kinds)s]
[[cascade]]
  [cascade.build]
    publishResources = false
"""

# Entry: our `{#id}` line before `## title` → Hugo's heading attribute `## title {#id}`.
ENTRY = re.compile(r"^\{#([^}\s]+)\}\n## (.+)$", re.M)
PLACEHOLDER = re.compile(r"^::: (table|figure) (\S+)[ \t]*$", re.M)
# A Chinese date opening an entry's text (yearbook/indexes.py ZH_DATE, with the year required).
DATED_ENTRY = re.compile(r"^\{#[^}\s]+\}\n## .+\n\s*(\d{4})年(\d{1,2})月(?:(\d{1,2})(?:\s*[—–-]\s*\d{1,2})?日)?", re.M)

LAYOUTS = {}

LAYOUTS["baseof.html"] = """{{- $v := .FirstSection -}}{{- if or (not $v) $v.IsHome (not $v.Params.edition_year) }}{{ $v = false }}{{ end -}}
{{- $title := .Title -}}{{- $type := .Params.page_type -}}
{{- if eq .Kind "term" }}{{ $type = "department" }}{{ with index (partialCached "departments.html" site) .Data.Term }}{{ $title = .name }}{{ end -}}
{{- else if eq .Kind "taxonomy" }}{{ $type = "departments" }}{{ else if not $type }}{{ $type = .Layout }}{{ end -}}
{{- $desc := partial "description.html" . -}}
<!doctype html>
<html lang="{{ site.Language.Locale }}" data-root="/"{{ with $v }} data-volume="{{ path.Base .Path }}"{{ end }}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ $title }} · {{ site.Title }}{{ end }}</title>
<meta name="description" content="{{ $desc }}">
<link rel="canonical" href="{{ .Permalink }}">
<meta property="og:title" content="{{ $title }}">
<meta property="og:description" content="{{ $desc }}">
<meta property="og:type" content="{{ if eq $type "section" }}article{{ else }}website{{ end }}">
<meta property="og:url" content="{{ .Permalink }}">
<meta property="og:locale" content="{{ replace site.Language.Locale "-" "_" }}">
<meta property="og:site_name" content="{{ site.Title }}">
{{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Language.Locale }}" href="{{ .Permalink }}">
{{ end -}}
<link rel="stylesheet" href="/static/site.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="manifest" href="/{{ site.Language.Lang }}/manifest.webmanifest">
<meta name="theme-color" content="#8a1c1c" media="(prefers-color-scheme: light)">
<meta name="theme-color" content="#17171a" media="(prefers-color-scheme: dark)">
<script src="/static/theme.js"></script>
<script src="/static/query.js" defer></script>
<script src="/static/site.js" defer></script>
</head>
<body class="kind-{{ $type }}">
<a class="skip" href="#main">{{ T "skip_to_content" }}</a>
<header class="masthead">
  <a class="brand" href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a>
  {{ with $v }}{{ partial "year-switch.html" (dict "page" $ "volume" .) }}{{ end }}
  {{ with site.GetPage "/departments" }}<nav class="site-links" aria-label="{{ T "site_links" }}"><a href="{{ .RelPermalink }}"{{ if eq .RelPermalink $.RelPermalink }} aria-current="page"{{ end }}>{{ .Title }}</a></nav>{{ end }}
  {{ if site.GetPage "/search" }}
  <form class="search-box" action="/{{ site.Language.Lang }}/search/" method="get" role="search" data-tokens="bigram"
        data-loading="{{ T "search_loading" }}" data-results="{{ T "search_results" }}" data-results_about="{{ T "search_results_about" }}"
        data-none="{{ T "search_none" }}" data-all="{{ T "search_all_results" }}">
    <label for="search-box-input" class="visually-hidden">{{ T "search" }}</label>
    <input id="search-box-input" name="q" type="search" placeholder="{{ T "search_placeholder" }}">
    <button type="submit">{{ T "search" }}</button>
  </form>
  {{ end }}
  <button class="theme-toggle" type="button" hidden data-dark="{{ T "theme_dark" }}" data-light="{{ T "theme_light" }}">{{ T "theme_dark" }}</button>
  <nav class="languages" aria-label="{{ T "language" }}">
  {{ range .AllTranslations }}{{ if eq .Language.Lang $.Language.Lang }}<span aria-current="true" lang="{{ .Language.Locale }}">{{ .Language.Label }}</span>{{ else }}<a href="{{ .RelPermalink }}" hreflang="{{ .Language.Locale }}" lang="{{ .Language.Locale }}" data-lang-switch>{{ .Language.Label }}</a>{{ end }}{{ end }}
  </nav>
</header>
<div class="layout{{ with $v }} with-nav{{ end }}">
{{ with $v }}{{ partial "nav.html" (dict "page" $ "volume" .) }}{{ end }}
<main id="main">
  {{ if not .IsHome }}<nav class="breadcrumbs" aria-label="{{ T "breadcrumbs" }}">
    <ol>{{ range .Ancestors.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ol>
  </nav>{{ end }}
  <article{{ if eq $type "section" }} data-pagefind-body{{ end }}>
  {{ block "main" . }}{{ end }}
  </article>
  {{ if eq $type "section" }}{{ with partialCached "entries.html" . .Path }}<p id="copy-status" class="visually-hidden" role="status" aria-live="polite" data-copy="{{ T "copy_link" }}" data-copied="{{ T "link_copied" }}" data-failed="{{ T "copy_failed" }}"></p>{{ end }}{{ end }}
  {{ with $v }}{{ partial "pager.html" (dict "page" $ "volume" .) }}{{ end }}
</main>
</div>
<footer class="colophon">
  <p>{{ site.Title }}{{ with $v }} · {{ .Title }}{{ end }}</p>
</footer>
</body>
</html>
"""

LAYOUTS["home.html"] = """{{ define "main" }}
<h1>{{ site.Title }}</h1>
{{ .Content }}
<section aria-labelledby="volumes-heading">
  <h2 id="volumes-heading">{{ T "volumes" }}</h2>
  <ul class="volumes">
  {{ range partialCached "volumes.html" site }}
    <li class="volume-card">
      <h3><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3>
      <p class="years">{{ T "edition_year" }} {{ .Params.edition_year }} · {{ T "coverage_year" }} {{ .Params.coverage_year }}</p>
      {{ with .Pages }}<ol class="parts">{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ol>{{ end }}
    </li>
  {{ end }}
  </ul>
</section>
{{ end }}
"""

# A volume (it has edition_year) or a chapter.
LAYOUTS["section.html"] = """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ if .Params.edition_year }}
<p class="years">{{ T "edition_year" }} {{ .Params.edition_year }} · {{ T "coverage_year" }} {{ .Params.coverage_year }}</p>
<p class="keep-offline" hidden data-volume="{{ path.Base .Path }}" data-keep="{{ T "keep_offline" }}" data-saving="{{ T "keep_offline_saving" }}"
   data-kept="{{ T "keep_offline_kept" }}" data-drop="{{ T "keep_offline_drop" }}"><button type="button">{{ T "keep_offline" }}</button>
   <span role="status" aria-live="polite"></span></p>
{{ .Content }}
<h2>{{ T "contents" }}</h2>
<ol class="volume-toc">
{{ range .Pages }}
  <li>
    <h3><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3>
    {{ partial "toc-entries.html" . }}
    {{ with .Pages }}<details open>
      <summary>{{ replace (T "toc_pages") "{n}" (string (len .)) }}</summary>
      {{ partial "toc-pages.html" . }}
    </details>{{ end }}
  </li>
{{ end }}
</ol>
{{ $vd := partialCached "volume-data.html" . .Path }}
{{ if or $vd.tables $vd.figures }}
<h2>{{ T "tables_and_figures" }}</h2>
{{ with $vd.tables }}<h3>{{ T "tables" }}</h3>
<ol class="toc-numbered">
{{ range . }}  <li><a href="{{ .url }}"><span class="number">{{ T "table_label" }}{{ .number }}</span> <span>{{ .title }}</span></a></li>
{{ end }}</ol>{{ end }}
{{ with $vd.figures }}<h3>{{ T "figures" }}</h3>
<ol class="toc-numbered">
{{ range . }}  <li><a href="{{ .url }}"><span class="number">{{ T "figure_label" }}{{ .number }}</span> <span>{{ .title }}</span></a></li>
{{ end }}</ol>{{ end }}
{{ end }}
{{ else }}
{{ .Content }}
<ol class="children">
{{ range .Pages }}  <li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ol>
{{ end }}
{{ end }}
"""

# A section (分目): its entries, then the text with tables, figures and bylines.
LAYOUTS["page.html"] = """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $entries := partialCached "entries.html" . .Path }}
{{ with $entries }}<nav class="entries" aria-label="{{ T "entries" }}">
  <ol>{{ range . }}<li><a href="#{{ .ID }}">{{ .Title | safeHTML }}</a></li>{{ end }}</ol>
</nav>{{ end }}
{{ .Content }}
{{ with $entries }}{{ $last := (index (last 1 .) 0).ID }}{{ range $.Params.authors }}{{ if eq (or .to .from) $last }}{{ partial "byline.html" . }}{{ end }}{{ end }}{{ end }}
{{ end }}
"""

LAYOUTS["subjects.html"] = """{{ define "main" }}
{{ $v := .FirstSection }}
{{ $vd := partialCached "volume-data.html" $v $v.Path }}
{{ $terms := newScratch }}
{{ range $vd.authored }}
  {{ $p := . }}
  {{ $label := dict "text" $p.Title }}
  {{ range $p.Params.tags }}{{ $terms.Add . (slice (dict "url" $p.RelPermalink "label" $label "context" $p.Parent.Title)) }}{{ end }}
  {{ range partialCached "entries.html" $p $p.Path }}
    {{ $url := printf "%s#%s" $p.RelPermalink .ID }}
    {{ $title := .Title | plainify | htmlUnescape | strings.TrimSpace }}
    {{ $terms.Add $title (slice (dict "url" $url "label" $label "context" "")) }}
    {{ with index ($p.Params.entries | default dict) .ID }}{{ range .tags }}{{ $terms.Add . (slice (dict "url" $url "label" (dict "text" $title) "context" $p.Title)) }}{{ end }}{{ end }}
  {{ end }}
{{ end }}
{{/* Sorted by pinyin (tones left out) and grouped by its initial: each term's key is its words with
     every Han character spelt in pinyin; ranging over a map visits its keys in sorted order. */}}
{{ $letters := slice "#" "A" "B" "C" "D" "E" "F" "G" "H" "I" "J" "K" "L" "M" "N" "O" "P" "Q" "R" "S" "T" "U" "V" "W" "X" "Y" "Z" }}
{{ $groups := newScratch }}
{{ $pinyin := hugo.Data.pinyin }}
{{ range $term, $refs := $terms.Values }}
  {{ $spelt := "" }}
  {{ range split (lower $term) "" }}{{ with index $pinyin . }}{{ $spelt = print $spelt " " . " " }}{{ else }}{{ $spelt = print $spelt . }}{{ end }}{{ end }}
  {{ $key := replaceRE `[^\\pL\\pN]+` " " $spelt | strings.TrimSpace }}
  {{ $letter := upper (substr $key 0 1) }}
  {{ if not (in $letters $letter) }}{{ $letter = "#" }}{{ end }}
  {{ $groups.SetInMap $letter (print $key "\\x00" $term) $term }}
{{ end }}
<h1>{{ .Title }}</h1>
<p class="index-intro">{{ T "subjects_intro" }}</p>
<nav class="letter-bar" aria-label="{{ T "subjects_letters" }}">
  <ul>
  {{ range $letters }}{{ $id := cond (eq . "#") "letter-other" (printf "letter-%s" (lower .)) }}
    {{ if $groups.Get . }}<li><a href="#{{ $id }}">{{ . }}</a></li>{{ else if ne . "#" }}<li><span class="empty">{{ . }}</span></li>{{ end }}
  {{ end }}
  </ul>
</nav>
{{ range $letter := $letters }}{{ with $groups.Get $letter }}
{{ $id := cond (eq $letter "#") "letter-other" (printf "letter-%s" (lower $letter)) }}
<section class="index-group" aria-labelledby="{{ $id }}">
  <h2 id="{{ $id }}">{{ $letter }}</h2>
  <dl class="subject-index">
  {{ range . }}
    <dt>{{ . }}</dt>
    <dd><ul>
    {{ range $terms.Get . }}
      <li><a href="{{ .url }}">{{ with .label.text }}{{ . }}{{ end }}</a>{{ with .context }} <span class="context">{{ . }}</span>{{ end }}</li>
    {{ end }}
    </ul></dd>
  {{ end }}
  </dl>
</section>
{{ end }}{{ end }}
{{ end }}
"""

LAYOUTS["chronology.html"] = """{{ define "main" }}
{{ $v := .FirstSection }}
{{ $year := int $v.Params.coverage_year }}
{{ $vd := partialCached "volume-data.html" $v $v.Path }}
{{ $date := `(\\d{4})年(\\d{1,2})月(?:(\\d{1,2})(?:\\s*[—–-]\\s*\\d{1,2})?日)?` }}
{{ $months := newScratch }}
{{ range $pos, $p := $vd.authored }}
  {{ $seen := 0 }}
  {{ $dated := slice }}
  {{ range findRESubmatch (printf `(?m)^## (.+?) \\{#([^}\\s]+)\\}\\n\\s*(%s)` $date) $p.RawContent }}
    {{ $day := partial "valid-date.html" (dict "year" (index . 4) "month" (index . 5) "day" (index . 6) "want" $year) }}
    {{ if $day }}
      {{ $seen = add $seen 1 }}
      {{ $dated = $dated | append (dict "id" (index . 2) "iso" $day.iso) }}
      {{ $months.Add (string $day.month) (slice (dict "key" (add (mul (add (mul $day.day 100000) $pos) 1000) $seen) "iso" $day.iso "printed" (index . 3)
          "text" (index . 1) "url" (printf "%s#%s" $p.RelPermalink (index . 2)) "where" $p.Title)) }}
    {{ end }}
  {{ end }}
  {{ range $f := $p.Params.figures }}
    {{ with findRESubmatch (printf `^\\s*(%s)` $date) $f.caption 1 }}{{ $m := index . 0 }}
      {{ $day := partial "valid-date.html" (dict "year" (index $m 2) "month" (index $m 3) "day" (index $m 4) "want" $year) }}
      {{ if and $day (not (and $f.topic (where (where $dated "id" $f.topic) "iso" $day.iso))) }}
        {{ $seen = add $seen 1 }}
        {{ $text := index (split (replaceRE `^[\\s,，、:：]+` "" (strings.TrimPrefix (index $m 0) $f.caption)) "。") 0 }}
        {{ $months.Add (string $day.month) (slice (dict "key" (add (mul (add (mul $day.day 100000) $pos) 1000) $seen) "iso" $day.iso "printed" (index $m 1)
            "text" $text "url" (printf "%s#%s" $p.RelPermalink $f.id) "where" $p.Title)) }}
      {{ end }}
    {{ end }}
  {{ end }}
{{ end }}
<h1>{{ .Title }}</h1>
<p class="index-intro">{{ replace (T "chronology_intro") "{year}" (string $year) }}</p>
{{ range $m := seq 12 }}{{ with $months.Get (string $m) }}
{{ $id := printf "m%d-%02d" $year $m }}
<section class="chronology-month" aria-labelledby="{{ $id }}">
  <h2 id="{{ $id }}">{{ T (printf "month_names_%d" $m) }}</h2>
  <ol class="chronology">
  {{ range sort . "key" }}
    <li><time datetime="{{ .iso }}">{{ .printed }}</time>
      <a href="{{ .url }}">{{ .text }}</a>
      <span class="context"><span>{{ .where }}</span></span></li>
  {{ end }}
  </ol>
</section>
{{ end }}{{ end }}
{{ end }}
"""

# The department directory: every body of the registry by kind, with what its page gathers.
LAYOUTS["taxonomy.html"] = """{{ define "main" }}
{{ $credits := partialCached "credits.html" site }}
<div class="departments" data-pagefind-ignore="all">
<h1>{{ .Title }}</h1>
<p class="intro">{{ replace (T "departments_intro") "{n}" (string (len hugo.Data.departments)) }}</p>
{{ $kinds := slice }}{{ range site.Params.kinds }}{{ if where hugo.Data.departments "kind" . }}{{ $kinds = $kinds | append . }}{{ end }}{{ end }}
<nav class="dept-kinds" aria-label="{{ T "departments_kind" }}">
  <ul>{{ range $kinds }}<li><a href="#kind-{{ . }}">{{ T (printf "dept_kind_%s" .) }}</a> <span class="count">({{ len (where hugo.Data.departments "kind" .) }})</span></li>{{ end }}</ul>
</nav>
{{ range $kinds }}
<section class="dept-group" aria-labelledby="kind-{{ . }}">
  <h2 id="kind-{{ . }}">{{ T (printf "dept_kind_%s" .) }}</h2>
  <ul class="dept-list">
  {{ range sort (sort (where hugo.Data.departments "kind" .) "id") "order" }}
    {{ $n := 0 }}{{ with index site.Taxonomies.departments .id }}{{ $n = len . }}{{ end }}{{ with index $credits .id }}{{ $n = add $n (len .) }}{{ end }}
    {{ $page := site.GetPage (printf "/departments/%s" .id) }}
    <li{{ if not $n }} class="empty"{{ end }}><a href="{{ with $page }}{{ .RelPermalink }}{{ end }}">{{ index .name site.Language.Lang }}</a> <span class="count">· {{ partial "count-label.html" $n }}</span></li>
  {{ end }}
  </ul>
</section>
{{ end }}
</div>
{{ end }}
"""

# One body: the pages about it (taxonomy) with their entries, and the figures it is credited with.
LAYOUTS["term.html"] = """{{ define "main" }}
{{ $id := .Data.Term }}
{{ $d := index (partialCached "departments.html" site) $id }}
{{ $figures := index (partialCached "credits.html" site) $id }}
{{ $volumes := partialCached "volumes.html" site }}
{{ $pages := newScratch }}
{{ range .Pages }}{{ $v := .FirstSection }}
  {{ $pages.Add $v.Path (slice (dict "pos" (index (partialCached "volume-data.html" $v $v.Path).pos .Path) "page" .)) }}
{{ end }}
<div class="department-page" data-pagefind-ignore="all">
<h1>{{ $d.name }}</h1>
<dl class="dept-facts">
  <dt>{{ T "departments_kind" }}</dt><dd><a href="{{ .Parent.RelPermalink }}#kind-{{ $d.kind }}">{{ T (printf "dept_kind_%s" $d.kind) }}</a></dd>
  <dt>{{ T "departments_gathers" }}</dt><dd>{{ partial "count-label.html" (add (len .Pages) (len ($figures | default (slice)))) }}</dd>
</dl>
{{ $several := gt (len $volumes) 1 }}
{{ $level := cond $several 3 2 }}
{{ range $v := $volumes }}
  {{ $here := $pages.Get $v.Path }}
  {{ $shot := where ($figures | default (slice)) "volume" $v.Path }}
  {{ if or $here $shot }}
  {{ if $several }}<h2 class="dept-volume"><a href="{{ $v.RelPermalink }}">{{ $v.Title }}</a></h2>{{ end }}
  {{ with $here }}
<section class="dept-section dept-pages">
  <h{{ $level }}>{{ T "departments_pages" }}</h{{ $level }}>
  <ul class="dept-items">
  {{ range sort . "pos" }}{{ $p := .page }}
    <li><a href="{{ $p.RelPermalink }}">{{ $p.Title }}</a>{{ if not (or $p.Parent.IsHome $p.Parent.Params.edition_year) }} <span class="context">· <a href="{{ $p.Parent.RelPermalink }}">{{ $p.Parent.Title }}</a></span>{{ end }}
      {{ with partialCached "entries.html" $p $p.Path }}<ol class="dept-entries">{{ range . }}<li><a href="{{ $p.RelPermalink }}#{{ .ID }}">{{ .Title | safeHTML }}</a></li>{{ end }}</ol>{{ end }}
    </li>
  {{ end }}
  </ul>
</section>
  {{ end }}
  {{ with $shot }}
<section class="dept-section dept-figures">
  <h{{ $level }}>{{ T "departments_figures" }}</h{{ $level }}>
  <ul class="dept-items">
  {{ range . }}
    <li><a href="{{ .page.RelPermalink }}#{{ .figure.id }}">{{ .figure.caption }}</a> <span class="context">· <a href="{{ .page.RelPermalink }}">{{ .page.Title }}</a></span></li>
  {{ end }}
  </ul>
</section>
  {{ end }}
  {{ end }}
{{ end }}
</div>
{{ end }}
"""

LAYOUTS["search.html"] = """{{ define "main" }}
{{ $s := newScratch }}
{{ $depts := partialCached "departments.html" site }}
{{ $s.Set "volume" dict }}{{ $s.Set "part" dict }}{{ $s.Set "department" dict }}{{ $s.Set "kind" dict }}
{{ range $p := site.RegularPages }}{{ if eq .Params.page_type "section" }}
  {{ with partial "volume-of.html" $p }}
    {{ $s.SetInMap "volume" (string .Params.edition_year) (add (or (index ($s.Get "volume") (string .Params.edition_year)) 0) 1) }}
    {{ $top := (partial "top-part.html" (dict "page" $p "volume" .)).Title }}
    {{ $s.SetInMap "part" $top (add (or (index ($s.Get "part") $top) 0) 1) }}
  {{ end }}
  {{ range .Params.departments }}{{ with index $depts . }}{{ $s.SetInMap "department" .name (add (or (index ($s.Get "department") .name) 0) 1) }}{{ end }}{{ end }}
  {{ $s.SetInMap "kind" (T "kind_section") (add (or (index ($s.Get "kind") (T "kind_section")) 0) 1) }}
{{ end }}{{ end }}
<h1>{{ .Title }}</h1>
<form id="search-form" class="search-page-form" action="{{ .RelPermalink }}" method="get" role="search" data-tokens="bigram">
  <label for="search-input">{{ T "search_placeholder" }}</label>
  <div class="search-row">
    <input id="search-input" name="q" type="search" autocomplete="off">
    <button type="submit">{{ T "search_button" }}</button>
  </div>
  <p class="search-hint">{{ T "search_hint" }}</p>
</form>
<noscript><p class="banner">{{ T "search_needs_js" }}</p></noscript>
<div class="search-layout">
  <div id="search-filters" class="search-filters" role="group" aria-label="{{ T "search_filters" }}" hidden></div>
  <div>
    <p id="search-status" role="status" aria-live="polite"></p>
    <ol id="search-results" class="search-results"></ol>
    <button type="button" id="search-more" class="search-more" hidden>{{ T "search_more" }}</button>
  </div>
</div>
<script type="application/json" id="search-strings">{{ dict "loading" (T "search_loading") "results" (T "search_results") "results_about" (T "search_results_about") "none" (T "search_none") "filters" (T "search_filters") "volume" (T "filter_volume") "part" (T "filter_part") "department" (T "filter_department") "kind" (T "filter_kind") "needs_js" (T "search_needs_js") | jsonify | safeJS }}</script>
<script type="application/json" id="search-filter-options">{{ dict "volume" ($s.Get "volume") "part" ($s.Get "part") "department" ($s.Get "department") "kind" ($s.Get "kind") | jsonify | safeJS }}</script>
<script src="/static/search.js" defer></script>
{{ end }}
"""

LAYOUTS["404.html"] = """<!doctype html>
<html lang="{{ site.Language.Locale }}" data-root="/">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>404 · {{ site.Title }}</title>
<meta name="robots" content="noindex">
<link rel="stylesheet" href="/static/site.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="manifest" href="/{{ site.Language.Lang }}/manifest.webmanifest">
</head>
<body class="kind-404">
<main id="main" class="not-found">
  <section lang="{{ site.Language.Locale }}" data-prefix="{{ site.Language.Lang }}">
    <div class="masthead">
      <a class="brand" href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a>
      {{ if site.GetPage "/search" }}
      <form class="search-box" action="/{{ site.Language.Lang }}/search/" method="get" role="search">
        <label for="search-404-{{ site.Language.Lang }}" class="visually-hidden">{{ T "search" }}</label>
        <input id="search-404-{{ site.Language.Lang }}" name="q" type="search" placeholder="{{ T "search_placeholder" }}">
        <button type="submit">{{ T "search" }}</button>
      </form>
      {{ end }}
    </div>
    <div class="not-found-text">
      <h1>{{ T "not_found_title" }}</h1>
      <p>{{ T "not_found_text" }}</p>
      <h2>{{ T "volumes" }}</h2>
      <ul class="not-found-volumes">{{ range partialCached "volumes.html" site }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
    </div>
  </section>
</main>
<script src="/static/not-found.js"></script>
</body>
</html>
"""

# --- partials ------------------------------------------------------------------

LAYOUTS["_partials/volume-of.html"] = """{{ $v := .FirstSection }}{{ return cond (and $v (not $v.IsHome) $v.Params.edition_year) $v nil }}"""

# The first sentence of the first paragraph of a section's text (a description for previews).
LAYOUTS["_partials/description.html"] = """{{ $d := "" }}
{{ if eq .Params.page_type "section" }}
  {{ with after 1 (split .Content "<p>") }}
    {{ $text := index (split (index . 0) "</p>") 0 | plainify | htmlUnescape | replaceRE `\\s+` " " | strings.TrimSpace }}
    {{ with findRE `^.+?(?:[。！？]|[.!?](?:\\s|$))` $text 1 }}{{ $text = index . 0 | strings.TrimSpace }}{{ end }}
    {{ $d = cond (gt (strings.RuneCount $text) 160) (print (substr $text 0 159) "…") $text }}
  {{ end }}
{{ end }}
{{ return $d }}"""

# Volumes, newest edition first (once).
LAYOUTS["_partials/volumes.html"] = """{{ $v := slice }}
{{ range (site.Home.Sections.ByParam "edition_year").Reverse }}{{ if .Params.edition_year }}{{ $v = $v | append . }}{{ end }}{{ end }}
{{ return $v }}"""

# A volume's pages in reading order (depth first, by weight), the volume itself left out.
LAYOUTS["_partials/walk.html"] = """{{ $out := slice }}
{{ range .Pages }}{{ $out = $out | append . }}{{ if .IsSection }}{{ range partial "walk.html" . }}{{ $out = $out | append . }}{{ end }}{{ end }}{{ end }}
{{ return $out }}"""

# Once per volume: reading order (prev/next), positions, the tables and the figures placed in its
# pages in reading order, figures numbered through the volume. Raw content only (no rendering),
# so that a shortcode may call it while its page renders.
LAYOUTS["_partials/volume-data.html"] = """{{ $v := . }}
{{ $order := partial "walk.html" $v }}
{{ $s := newScratch }}
{{ $s.Set "prev" dict }}{{ $s.Set "next" dict }}{{ $s.Set "pos" dict }}{{ $s.Set "fig" dict }}
{{ $prev := $v }}
{{ $n := 0 }}{{ $tables := slice }}{{ $figures := slice }}{{ $authored := slice $v }}
{{ range $i, $p := $order }}
  {{ $s.SetInMap "pos" $p.Path $i }}
  {{ $s.SetInMap "prev" $p.Path $prev }}
  {{ $s.SetInMap "next" $prev.Path $p }}
  {{ $prev = $p }}
  {{ if not $p.Params.generated }}{{ $authored = $authored | append $p }}{{ end }}
  {{ range findRESubmatch `\\{\\{<\\s*(table|photo)\\s+"?([^"\\s>]+)"?\\s*>\\}\\}` $p.RawContent }}
    {{ $id := index . 2 }}
    {{ if eq (index . 1) "table" }}
      {{ with $p.CurrentSection.Resources.Get (printf "%s.table.yaml" $id) }}{{ $t := transform.Unmarshal . }}
        {{ $tables = $tables | append (dict "number" $t.number "title" (index $t.title site.Language.Lang) "url" (printf "%s#%s" $p.RelPermalink $id)) }}
      {{ end }}
    {{ else }}
      {{ $n = add $n 1 }}
      {{ $s.SetInMap "fig" (printf "%s#%s" $p.Path $id) $n }}
      {{ with index (where $p.Params.figures "id" $id) 0 }}
        {{ $figures = $figures | append (dict "number" $n "title" .caption "url" (printf "%s#%s" $p.RelPermalink $id)) }}
      {{ end }}
    {{ end }}
  {{ end }}
{{ end }}
{{ return dict "order" $order "authored" $authored "pos" ($s.Get "pos") "prev" ($s.Get "prev") "next" ($s.Get "next") "fig" ($s.Get "fig") "tables" $tables "figures" $figures }}"""

# The entries of a page: its level-2 headings (once per page).
LAYOUTS["_partials/entries.html"] = """{{ $e := slice }}
{{ range .Fragments.Headings }}{{ if eq .Level 2 }}{{ $e = $e | append . }}{{ end }}{{ range .Headings }}{{ if eq .Level 2 }}{{ $e = $e | append . }}{{ end }}{{ end }}{{ end }}
{{ return $e }}"""

# Registry id → name, kind, order, page URL (once).
LAYOUTS["_partials/departments.html"] = """{{ $s := newScratch }}{{ $s.Set "d" dict }}
{{ range hugo.Data.departments }}
  {{ $url := "" }}{{ with site.GetPage (printf "/departments/%s" .id) }}{{ $url = .RelPermalink }}{{ end }}
  {{ $s.SetInMap "d" .id (dict "id" .id "name" (index .name site.Language.Lang) "kind" .kind "order" .order "url" $url) }}
{{ end }}
{{ return $s.Get "d" }}"""

# Registry id → the figures credited to it, in volume and reading order (once).
LAYOUTS["_partials/credits.html"] = """{{ $s := newScratch }}{{ $s.Set "c" dict }}
{{ range $v := partialCached "volumes.html" site }}
  {{ range $p := (partialCached "volume-data.html" $v $v.Path).authored }}
    {{ range $f := $p.Params.figures }}{{ with $f.credit }}{{ with .department }}
      {{ $s.SetInMap "c" . ((index ($s.Get "c") .) | default (slice) | append (dict "page" $p "figure" $f "volume" $v.Path)) }}
    {{ end }}{{ end }}{{ end }}
  {{ end }}
{{ end }}
{{ return $s.Get "c" }}"""

LAYOUTS["_partials/count-label.html"] = """{{ if eq . 0 }}{{ T "departments_count_none" }}{{ else if eq . 1 }}{{ replace (T "departments_count_one") "{n}" "1" }}{{ else }}{{ replace (T "departments_count") "{n}" (string .) }}{{ end }}"""

LAYOUTS["_partials/valid-date.html"] = """{{ $r := false }}
{{ with .year }}{{ if eq (int $.year) $.want }}
  {{ $m := int $.month }}{{ $d := int ($.day | default "0") }}
  {{ $iso := printf "%s-%02d" $.year $m }}{{ if $d }}{{ $iso = printf "%s-%02d" $iso $d }}{{ end }}
  {{ $t := try (time.AsTime (printf "%s-%02d-%02d" $.year $m (cond (gt $d 0) $d 1))) }}
  {{ if not $t.Err }}{{ $r = dict "iso" $iso "month" $m "day" $d }}{{ end }}
{{ end }}{{ end }}
{{ return $r }}"""

# The volume child a page is in (the volume itself for the volume page).
LAYOUTS["_partials/top-part.html"] = """{{ $top := .page }}{{ $v := .volume }}
{{ if ne .page.Path $v.Path }}{{ range .page.Ancestors }}{{ if eq .Path $v.Path }}{{ break }}{{ end }}{{ $top = . }}{{ end }}{{ end }}
{{ return $top }}"""

# The volume's table of contents: the same for every page of one part (cached), the current page marked.
LAYOUTS["_partials/nav.html"] = """{{ $topPath := (partial "top-part.html" .).Path }}{{ if eq $topPath .volume.Path }}{{ $topPath = "" }}{{ end }}
{{ $html := partialCached "nav-list.html" (dict "volume" .volume "top" $topPath) .volume.Path $topPath }}
{{ $mark := printf `<a href="%s"` .page.RelPermalink }}
{{ replace $html $mark (print $mark ` aria-current="page"`) 1 | safeHTML }}"""

LAYOUTS["_partials/nav-list.html"] = """{{ $top := .top }}
<nav class="toc" aria-label="{{ T "contents" }}">
  <details class="toc-fold" open>
  <summary>{{ T "contents" }}</summary>
  <p class="toc-volume"><a href="{{ .volume.RelPermalink }}">{{ .volume.Title }}</a></p>
  <ol>
  {{ range .volume.Pages }}{{ $open := eq .Path $top }}
    <li{{ if $open }} class="open"{{ end }}><a href="{{ .RelPermalink }}">{{ .Title }}</a>
    {{ if $open }}{{ with .Pages }}<ol>
    {{ range . }}    <li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
    {{ end }}</ol>{{ end }}{{ end }}
    </li>
  {{ end }}
  </ol>
  </details>
</nav>"""

# Other volumes at the same place: the same list on that place's page in every volume (cached).
LAYOUTS["_partials/year-switch.html"] = """{{ $volumes := partialCached "volumes.html" site }}
{{ if gt (len $volumes) 1 }}
{{ $rest := strings.TrimPrefix .volume.Path .page.Path }}
{{ $html := partialCached "year-switch-list.html" (dict "volumes" $volumes "rest" $rest) $rest }}
{{ $mark := printf `<a href="%s"` .page.RelPermalink }}
<details class="year-switch">
    <summary>{{ T "year_switch" }}<span class="visually-hidden">:</span> <span>{{ .volume.Title }}</span></summary>
    {{ replace $html $mark (print $mark ` aria-current="page"`) 1 | safeHTML }}
  </details>
{{ end }}"""

LAYOUTS["_partials/year-switch-list.html"] = """<ul>
{{ range .volumes }}  <li><a href="{{ (or (site.GetPage (print .Path $.rest)) .).RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul>"""

LAYOUTS["_partials/pager.html"] = """{{ $vd := partialCached "volume-data.html" .volume .volume.Path }}
{{ $prev := index $vd.prev .page.Path }}{{ $next := index $vd.next .page.Path }}
{{ if or $prev $next }}<nav class="pager" aria-label="{{ T "pager" }}">
{{ with $prev }}<a class="prev" rel="prev" href="{{ .RelPermalink }}"><span>{{ T "previous" }}</span> {{ .Title }}</a>{{ end }}{{ with $next }}<a class="next" rel="next" href="{{ .RelPermalink }}"><span>{{ T "next" }}</span> {{ .Title }}</a>{{ end }}
</nav>{{ end }}"""

LAYOUTS["_partials/byline.html"] = """<p class="byline">{{ T "byline_open" }}<span lang="{{ site.Language.Locale }}">{{ delimit .names " " }}</span>{{ T "byline_close" }}</p>
"""

# Entry id → the attributions printed before it (a run that ends at the entry before it), once per page.
LAYOUTS["_partials/bylines.html"] = """{{ $s := newScratch }}{{ $s.Set "before" dict }}{{ $prev := "" }}
{{ range .Fragments.Headings }}{{ range .Headings }}{{ if eq .Level 2 }}
  {{ $id := .ID }}
  {{ with $prev }}{{ range $.Params.authors }}{{ if eq (or .to .from) $prev }}{{ $s.SetInMap "before" $id ((index ($s.Get "before") $id) | default (slice) | append .) }}{{ end }}{{ end }}{{ end }}
  {{ $prev = $id }}
{{ end }}{{ end }}{{ end }}
{{ return $s.Get "before" }}"""

LAYOUTS["_partials/toc-entries.html"] = """{{ with partialCached "entries.html" . .Path }}<details class="toc-entries">
  <summary>{{ replace (T "toc_entries") "{n}" (string (len .)) }}</summary>
  <ol>{{ range . }}<li><a href="{{ $.RelPermalink }}#{{ .ID }}">{{ .Title | safeHTML }}</a></li>{{ end }}</ol>
</details>{{ end }}"""

LAYOUTS["_partials/toc-pages.html"] = """{{ $flat := true }}{{ range . }}{{ if or .Pages (partialCached "entries.html" . .Path) }}{{ $flat = false }}{{ end }}{{ end }}
<ol{{ if $flat }} class="toc-flat"{{ end }}>
{{ range . }}  <li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
    {{ partial "toc-entries.html" . }}
    {{ with .Pages }}{{ partial "toc-pages.html" . }}{{ end }}
  </li>
{{ end }}</ol>"""

# --- shortcodes and render hooks ----------------------------------------------------

# `{{< table t001 >}}`: t001.table.yaml (number, title, columns) and t001.LANG.tsv (rows), resources
# of the chapter's bundle. The TSV has no quoting (yearbook/data.py read_rows), so it is split, not
# read as CSV (CSV would take a cell that starts with a quote mark for a quoted one).
LAYOUTS["_shortcodes/table.html"] = """{{ $id := .Get 0 }}
{{ $sec := .Page.CurrentSection }}
{{ $t := transform.Unmarshal ($sec.Resources.Get (printf "%s.table.yaml" $id)) }}
{{ $lines := split (strings.TrimRight "\\n" ($sec.Resources.Get (printf "%s.%s.tsv" $id site.Language.Lang)).Content) "\\n" }}
{{ $col := dict }}{{ range $i, $key := split (strings.TrimRight "\\r" (index $lines 0)) "\\t" }}{{ $col = merge $col (dict $key $i) }}{{ end }}
{{ $label := printf "%s%v" (T "table_label") $t.number }}
<figure class="data-table">
  <figcaption><h3 class="caption-heading" id="{{ $id }}"><span class="number">{{ $label }}</span> {{ index $t.title site.Language.Lang }}</h3></figcaption>
  <div class="scroll" tabindex="0" role="region" aria-label="{{ $label }}">
  <table>
    <thead><tr>{{ range $t.columns }}<th scope="col">{{ or (index . site.Language.Lang) .key }}</th>{{ end }}</tr></thead>
    <tbody>
    {{ $n := 0 }}
    {{ range after 1 $lines }}{{ $line := strings.TrimRight "\\r" . }}{{ if strings.TrimSpace $line }}{{ $n = add $n 1 }}{{ $cells := split $line "\\t" }}
      <tr>{{ range $i, $c := $t.columns }}{{ $v := index $cells (index $col $c.key) }}<td{{ if eq $i 0 }} id="{{ $id }}-r{{ $n }}"{{ end }}{{ if le (strings.RuneCount $v) 8 }} class="short"{{ end }}>{{ $v }}</td>{{ end }}</tr>
    {{ end }}{{ end }}
    </tbody>
  </table>
  </div>
</figure>"""

# `{{< photo p000 >}}`: the page's front-matter figure, numbered through the volume, credited to a body.
LAYOUTS["_shortcodes/photo.html"] = """{{ $id := .Get 0 }}
{{ $f := index (where .Page.Params.figures "id" $id) 0 }}
{{ $number := 0 }}{{ with partial "volume-of.html" .Page }}{{ $number = index (partialCached "volume-data.html" . .Path).fig (printf "%s#%s" $.Page.Path $id) }}{{ end }}
<figure class="photo{{ if not $f.image }} caption-only{{ end }}">
{{ with $f.image }}<img src="{{ . }}" alt="{{ $f.caption }}" loading="lazy">{{ else }}<div class="no-image" aria-hidden="true">{{ T "no_image" }}</div>{{ end }}  <figcaption><h3 class="caption-heading" id="{{ $id }}">{{ with $number }}<span class="number">{{ T "figure_label" }}{{ . }}</span> {{ end }}{{ $f.caption }}</h3>{{ with $f.credit }} <span class="credit">{{ with .department }}{{ with index (partialCached "departments.html" site) . }}{{ T "photo_by" }}{{ with .url }}<a href="{{ . }}">{{ end }}{{ .name }}{{ if .url }}</a>{{ end }}{{ end }}{{ else }}{{ .as_printed }}{{ end }}</span>{{ end }}</figcaption>
</figure>"""

# Entries are the level-2 headings: 【title】 with an anchor; an attribution ending at the entry
# before this one is printed before it (one that ends at the last entry: page.html, after the text).
LAYOUTS["_markup/render-heading.html"] = """{{- if eq .Level 2 -}}
{{- with .Page.Params.authors }}{{ with index (partialCached "bylines.html" $.Page $.Page.Path) $.Anchor }}{{ range . }}{{ partial "byline.html" . }}{{ end }}{{ end }}{{ end -}}
<h2 id="{{ .Anchor }}" class="entry"><span class="entry-mark">【</span>{{ .Text }}<span class="entry-mark">】</span><a class="anchor" href="#{{ .Anchor }}" aria-hidden="true" tabindex="-1">#</a></h2>
{{- else -}}
<h{{ .Level }} id="{{ .Anchor }}">{{ .Text }}</h{{ .Level }}>
{{- end -}}
"""


def _front(text: str) -> tuple[str, str]:
    _, front, body = text.split("---\n", 2)
    return front, body


def _dated_volume(volume_dir: Path) -> bool:
    """Whether the volume has a chronology: an entry whose text opens with a real date in the
    volume's coverage year (what yearbook/indexes.py lists from this content). Decided here, as an
    editor would decide to add the page; Hugo's template finds and lists the dated entries."""
    front, _ = _front((volume_dir / "index.zh.md").read_text(encoding="utf-8"))
    year = yaml.safe_load(front)["coverage_year"]
    for path in volume_dir.rglob("*.md"):
        for match in DATED_ENTRY.finditer(path.read_text(encoding="utf-8")):
            if int(match[1]) != year:
                continue
            try:
                datetime.date(year, int(match[2]), int(match[3] or 1))
            except ValueError:
                continue
            return True
    return False


def pinyin_table() -> dict:
    """Han character → its most common reading in pinyin without tones (lv for lü), for the subject
    index: the whole of CJK Unified Ideographs and Extension A, from pypinyin (a dependency of the
    project), as a Hugo site would keep such a table in data/."""
    from pypinyin import lazy_pinyin
    found = {}
    for block in (range(0x3400, 0x4DC0), range(0x4E00, 0xA000)):
        chars = [chr(c) for c in block]
        for char, reading in zip(chars, lazy_pinyin(chars)):
            if reading != char and reading.isascii() and reading.isalpha():
                found[char] = reading
    return found


def i18n(lang: str) -> str:
    """This project's UI strings (templates/i18n/LANG.yaml) as a Hugo i18n file; a list becomes key_1…"""
    strings = yaml.safe_load((ROOT / "templates" / "i18n" / f"{lang}.yaml").read_text(encoding="utf-8"))
    flat = {}
    for key, value in strings.items():
        if isinstance(value, list):
            flat.update({f"{key}_{i}": str(item) for i, item in enumerate(value, start=1)})
        else:
            flat[key] = str(value)
    return yaml.safe_dump(flat, allow_unicode=True, default_flow_style=False, width=10**6)


def full_site(ours: Path, target: Path) -> Path:
    """The Hugo project that makes our pages of bench.py's archive at `ours`."""
    source = ours / "content"
    content = target / "content"
    volumes = []
    for path in sorted(source.rglob("*")):
        rel = path.relative_to(source)
        if path.is_dir() or rel.parts[0].startswith("_"):
            continue
        (content / rel.parent).mkdir(parents=True, exist_ok=True)
        if path.suffix != ".md":   # a table's .table.yaml and .LANG.tsv: resources of the chapter bundle
            shutil.copyfile(path, content / rel)
            continue
        front, body = _front(path.read_text(encoding="utf-8"))
        meta = yaml.safe_load(front)
        if meta.get("type") == "volume":
            volumes.append(path.parent)
        front = re.sub(r"^order: (\d+)$", lambda m: f"weight: {int(m[1]) + 1}", front, flags=re.M)   # weight 0 = none
        front = re.sub(r"^type: ", "page_type: ", front, flags=re.M)
        body = ENTRY.sub(r"## \2 {#\1}", body)
        body = PLACEHOLDER.sub(lambda m: f"{{{{< {'photo' if m[1] == 'figure' else 'table'} {m[2]} >}}}}", body)
        name = "_index.zh.md" if path.name == "index.zh.md" else path.name
        (content / rel.parent / name).write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    strings = yaml.safe_load((ROOT / "templates" / "i18n" / "zh.yaml").read_text(encoding="utf-8"))
    stub = "---\ntitle: {title}\nlayout: {layout}\nweight: {weight}\ngenerated: true\n---\n"
    for volume in volumes:
        folder = content / volume.relative_to(source)
        (folder / "subjects.zh.md").write_text(
            stub.format(title=strings["subjects_title"], layout="subjects", weight=100_001), encoding="utf-8")
        if _dated_volume(volume):
            (folder / "chronology.zh.md").write_text(
                stub.format(title=strings["chronology_title"], layout="chronology", weight=100_002), encoding="utf-8")
    (content / "departments").mkdir(exist_ok=True)
    (content / "departments" / "_index.zh.md").write_text(f"---\ntitle: {strings['departments_title']}\n---\n", encoding="utf-8")
    if yaml.safe_load((ours / "config.yaml").read_text(encoding="utf-8")).get("search", True):   # as ours: no search page, no box
        (content / "search.zh.md").write_text(f"---\ntitle: {strings['search_title']}\nlayout: search\n---\n", encoding="utf-8")
    (target / "data").mkdir()
    shutil.copyfile(source / "_data" / "departments.yaml", target / "data" / "departments.yaml")
    (target / "data" / "pinyin.json").write_text(json.dumps(pinyin_table(), ensure_ascii=False), encoding="utf-8")
    (target / "i18n").mkdir()
    (target / "i18n" / "zh.yaml").write_text(i18n("zh"), encoding="utf-8")
    shutil.copytree(ROOT / "static", target / "static" / "static")
    for name, text in LAYOUTS.items():
        (target / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (target / "layouts" / name).write_text(text, encoding="utf-8")
    (target / "hugo.toml").write_text(CONFIG % {"kinds": ", ".join(f'"{k}"' for k in KINDS)}, encoding="utf-8")
    return target
