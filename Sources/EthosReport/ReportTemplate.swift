/// The report's Mustache templates and stylesheet (SPEC §16).
///
/// `{{…}}` escapes HTML (quotes too); `{{{…}}}` is used only for the SVG
/// charts, which `EthosCharts` writes with every text escaped, and for the
/// stylesheet below.
enum ReportTemplate {
  static let partials: [String: String] = [
    "num": #"<span class="num" data-path="{{path}}" data-value="{{value}}">{{text}}</span>"#,
    "status":
      #"<span class="status status-{{status}}" data-path="{{statusPath}}" data-value="{{statusValue}}">{{statusText}}</span>"#,
  ]

  static let page = #"""
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Service culture report · {{branch}} @{{asOfSeq}}</title>
    <style>{{{style}}}</style>
    </head>
    <body>
    <header>
    <h1>Service culture report</h1>
    <p class="meta">Branch <strong>{{branch}}</strong> as of <strong>@{{asOfSeq}}</strong>{{#asOfTime}} ({{asOfTime}}){{/asOfTime}}{{#hasRequestedAsOf}}, asked for {{requestedAsOf}}{{/hasRequestedAsOf}} · generated {{generatedAt}} by ethos</p>
    {{#empty}}<p class="notice" id="nothing-yet">Nothing has been recorded yet on this branch at this point: the charts below are empty until the first events are logged.</p>{{/empty}}
    <nav aria-label="Sections"><ul>
    <li><a href="#matrix">Matrix</a></li><li><a href="#scorecard">Scorecard</a></li><li><a href="#trends">Trends</a></li>
    <li><a href="#coverage">Champions and team</a></li><li><a href="#at-risk">At-risk customers</a></li><li><a href="#audit">Audit</a></li>
    {{#compare}}<li><a href="#compare">Compared with {{right}}</a></li>{{/compare}}
    </ul></nav>
    </header>
    <main>
    <section id="matrix" aria-labelledby="matrix-h">
    <h2 id="matrix-h">The Service Culture Matrix</h2>
    {{#matrix}}
    <figure>{{{svg}}}<figcaption>How customers and staff are treated on a normal day and under stress. Colour: mean outcome from −2 (red) through 0 (light) to +2 (blue); grey: no interactions.</figcaption></figure>
    <table class="data">
    <caption>The matrix in numbers</caption>
    <thead><tr><th scope="col">audience</th><th scope="col">condition</th><th scope="col">interactions</th><th scope="col">mean outcome</th><th scope="col">positive share</th></tr></thead>
    <tbody>
    {{#rows}}<tr><th scope="row">{{audience}}</th><td>{{condition}}</td><td>{{#interactions}}{{>num}}{{/interactions}}</td><td>{{#mean}}{{>num}}{{/mean}}</td><td>{{#positive}}{{>num}}{{/positive}}</td></tr>
    {{/rows}}
    </tbody>
    </table>
    <p>Balance (highest − lowest box mean): {{#balance}}{{>num}}{{/balance}} · weakest box: <strong>{{weakest}}</strong> · stress gap (normal − stress mean):{{#gaps}} {{audience}} {{#gap}}{{>num}}{{/gap}}{{/gaps}}</p>
    {{/matrix}}
    </section>

    <section id="scorecard" aria-labelledby="scorecard-h">
    <h2 id="scorecard-h">Scorecard</h2>
    {{#scorecard}}
    <p class="verdict verdict-{{verdict}}">Verdict: <span class="status status-{{verdict}}" data-path="{{verdictPath}}" data-value="{{verdictValue}}">{{verdict}}</span> — {{verdictText}}</p>
    <h3>Why</h3>
    <ul class="reasons">{{#reasons}}<li>{{.}}</li>{{/reasons}}</ul>
    <table class="data">
    <caption>Every indicator, counted over {{window}}: value, status and the sample n it rests on</caption>
    <thead><tr><th scope="col">indicator</th><th scope="col">value</th><th scope="col">status</th><th scope="col">n</th></tr></thead>
    <tbody>
    {{#indicators}}<tr><th scope="row">{{name}}</th><td>{{#value}}{{>num}}{{/value}}</td><td>{{>status}}</td><td>{{#n}}{{>num}}{{/n}}</td></tr>
    {{/indicators}}
    </tbody>
    </table>
    {{/scorecard}}
    </section>

    <section id="trends" aria-labelledby="trends-h">
    <h2 id="trends-h">Trends by week</h2>
    {{#trends}}
    <figure>{{{matrixSvg}}}<figcaption>Mean outcome of each box of the matrix, week by week. Hatched: stress windows.</figcaption></figure>
    <figure>{{{npsSvg}}}<figcaption>Customer NPS (feedback) and employee eNPS (pulse answers), week by week. Hatched: stress windows.</figcaption></figure>
    {{#tables}}{{#hasWeeks}}
    <table class="data trend">
    <caption>The trend charts in numbers (week starting)</caption>
    <thead><tr><th scope="col">figure</th>{{#weeks}}<th scope="col">{{.}}</th>{{/weeks}}</tr></thead>
    <tbody>
    {{#rows}}<tr><th scope="row">{{name}}</th>{{#values}}<td>{{>num}}</td>{{/values}}</tr>
    {{/rows}}
    </tbody>
    </table>
    {{/hasWeeks}}{{/tables}}
    <h3>Stress windows</h3>
    {{#hasWindows}}
    <table class="data">
    <thead><tr><th scope="col">id</th><th scope="col">kind</th><th scope="col">severity</th><th scope="col">scope</th><th scope="col">began</th><th scope="col">ended</th></tr></thead>
    <tbody>
    {{#windows}}<tr><th scope="row">{{id}}</th><td>{{kind}}</td><td>{{#severity}}{{>num}}{{/severity}}</td><td>{{scope}}</td><td>{{beganAt}}</td><td>{{endedAt}}</td></tr>
    {{/windows}}
    </tbody>
    </table>
    {{/hasWindows}}
    {{^hasWindows}}<p class="empty">No stress window recorded yet.</p>{{/hasWindows}}
    {{/trends}}
    </section>

    <section id="coverage" aria-labelledby="coverage-h">
    <h2 id="coverage-h">Champions and the service team by department</h2>
    {{#coverage}}
    <p>Champions: {{#champions}}{{>num}}{{/champions}} · service team members: {{#team}}{{>num}}{{/team}} · a department counts for coverage with at least 3 active employees.</p>
    {{#hasRows}}
    <table class="data">
    <thead><tr><th scope="col">department</th><th scope="col">active employees</th><th scope="col">counts</th><th scope="col">champions</th><th scope="col">coverage</th><th scope="col">team members</th></tr></thead>
    <tbody>
    {{#rows}}<tr><th scope="row">{{dept}}</th><td>{{active}}</td><td>{{counted}}</td><td>{{champions}}{{#championNames}} ({{championNames}}){{/championNames}}</td><td><span class="status status-{{coveredClass}}">{{covered}}</span></td><td>{{team}}{{#teamNames}} ({{teamNames}}){{/teamNames}}</td></tr>
    {{/rows}}
    </tbody>
    </table>
    {{/hasRows}}
    {{^hasRows}}<p class="empty">No active employees yet.</p>{{/hasRows}}
    {{/coverage}}
    </section>

    <section id="at-risk" aria-labelledby="at-risk-h">
    <h2 id="at-risk-h">At-risk customers</h2>
    {{#atRisk}}
    <p>Active customers whose latest interaction went badly and who never complained: {{#count}}{{>num}}{{/count}}.</p>
    {{#hasItems}}
    <table class="data">
    <thead><tr><th scope="col">id</th><th scope="col">name</th><th scope="col">segment</th><th scope="col">last outcome</th><th scope="col">interactions</th><th scope="col">mean outcome</th><th scope="col">feedback</th><th scope="col">mean feedback</th></tr></thead>
    <tbody>
    {{#items}}<tr><th scope="row">{{id}}</th><td>{{name}}</td><td>{{segment}}</td><td>{{#lastOutcome}}{{>num}}{{/lastOutcome}}</td><td>{{#interactions}}{{>num}}{{/interactions}}</td><td>{{#meanOutcome}}{{>num}}{{/meanOutcome}}</td><td>{{#feedback}}{{>num}}{{/feedback}}</td><td>{{#meanFeedback}}{{>num}}{{/meanFeedback}}</td></tr>
    {{/items}}
    </tbody>
    </table>
    {{/hasItems}}
    {{^hasItems}}<p class="empty">No customer is at risk.</p>{{/hasItems}}
    {{/atRisk}}
    </section>

    <section id="audit" aria-labelledby="audit-h">
    <h2 id="audit-h">Audit summary</h2>
    {{#audit}}
    <p>Integrity: {{#verifyOK}}<span class="status status-good" id="verify-result">verify passed</span>{{/verifyOK}}{{^verifyOK}}<span class="status status-poor" id="verify-result">verify FAILED</span>{{/verifyOK}} {{verifyMessage}}</p>
    <p>Events in view: {{#events}}{{>num}}{{/events}} · head hash: <code id="head-hash">{{headHash}}</code></p>
    <figure>{{{barsSvg}}}<figcaption>Events recorded per week (business time).</figcaption></figure>
    {{#hasTypes}}
    <table class="data">
    <caption>Events by type per week (week starting)</caption>
    <thead><tr><th scope="col">type</th>{{#weeks}}<th scope="col">{{.}}</th>{{/weeks}}</tr></thead>
    <tbody>
    {{#typeRows}}<tr><th scope="row">{{type}}</th>{{#counts}}<td>{{.}}</td>{{/counts}}</tr>
    {{/typeRows}}
    </tbody>
    </table>
    {{/hasTypes}}
    <h3>The last 20 events</h3>
    {{#hasHistory}}
    <table class="data">
    <thead><tr><th scope="col">seq</th><th scope="col">occurred</th><th scope="col">actor</th><th scope="col">type</th><th scope="col">summary</th></tr></thead>
    <tbody>
    {{#history}}<tr{{#retracted}} class="retracted"{{/retracted}}><th scope="row">@{{seq}}</th><td>{{occurredAt}}</td><td>{{actor}}</td><td>{{type}}</td><td>{{summary}}{{#retracted}} <span class="status status-watch">retracted</span>{{/retracted}}</td></tr>
    {{/history}}
    </tbody>
    </table>
    {{/hasHistory}}
    {{^hasHistory}}<p class="empty">No events yet.</p>{{/hasHistory}}
    {{/audit}}
    </section>
    {{#compare}}

    <section id="compare" aria-labelledby="compare-h">
    <h2 id="compare-h">{{left}} compared with {{right}}</h2>
    <p>{{differing}} figures differ; they are marked <span class="differs">≠ differs</span>.</p>
    <div class="side-by-side">
    <figure>{{{leftMatrix}}}<figcaption>{{left}}</figcaption></figure>
    <figure>{{{rightMatrix}}}<figcaption>{{right}}</figcaption></figure>
    </div>
    <table class="data compare">
    <caption>Matrix and scorecard, side by side</caption>
    <thead><tr><th scope="col">figure</th><th scope="col">{{left}}</th><th scope="col">{{right}}</th><th scope="col">difference</th></tr></thead>
    <tbody>
    {{#rows}}<tr{{#differs}} class="differs-row"{{/differs}}><th scope="row">{{path}}</th><td>{{left}}</td><td>{{right}}</td><td>{{#differs}}<span class="differs">≠ differs</span>{{/differs}}</td></tr>
    {{/rows}}
    </tbody>
    </table>
    {{#rightScorecard}}<p class="verdict">Verdict on {{right}}: <span class="status status-{{verdict}}">{{verdict}}</span> — {{verdictText}}</p>
    <ul class="reasons">{{#reasons}}<li>{{.}}</li>{{/reasons}}</ul>{{/rightScorecard}}
    </section>
    {{/compare}}
    </main>
    <footer><p>Every number on this page is the number <code>ethos query … --format json</code> gives for the same branch and point; “—” means no data.</p></footer>
    </body>
    </html>

    """#

  static let style = """
    :root{--good:#1a7f37;--watch:#9a6700;--poor:#b42318;--none:#6e7781;--ink:#1f2328;--line:#d0d7de}
    *{box-sizing:border-box}
    body{font-family:"DejaVu Sans",system-ui,sans-serif;color:var(--ink);margin:0 auto;max-width:1180px;padding:16px 24px;line-height:1.4;font-size:14px}
    h1{font-size:26px;margin:8px 0}h2{font-size:20px;border-bottom:2px solid var(--line);padding-bottom:4px;margin-top:28px}h3{font-size:15px}
    .meta{color:#57606a}.notice{background:#fff8c5;border:1px solid #d4a72c;padding:8px 12px}
    nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:12px}nav a{color:#0969da}
    figure{margin:12px 0}figcaption{color:#57606a;font-size:12px}
    table.data{border-collapse:collapse;margin:8px 0;font-size:13px}
    table.data caption{text-align:left;font-weight:bold;padding:4px 0}
    table.data th,table.data td{border:1px solid var(--line);padding:3px 8px;text-align:left;vertical-align:top}
    table.data thead th{background:#f6f8fa}
    table.data td .num{font-variant-numeric:tabular-nums}
    .status{display:inline-block;padding:0 6px;border-radius:8px;border:1px solid currentColor;font-size:12px;font-weight:bold}
    .status-good,.status-strategy{color:var(--good);background:#dafbe1}
    .status-watch,.status-unknown{color:var(--watch);background:#fff8c5}
    .status-poor,.status-tactic{color:var(--poor);background:#ffebe9}
    .status-none{color:var(--none);background:#f6f8fa;font-weight:normal}
    .verdict{font-size:16px}
    .differs{color:var(--poor);font-weight:bold}.differs-row{background:#fff5f5}
    .retracted{color:#6e7781;text-decoration:line-through}
    .empty{color:#6e7781;font-style:italic}
    code{font-size:12px;word-break:break-all}
    .side-by-side{display:flex;gap:16px}.side-by-side figure{flex:1 1 0;min-width:0}
    svg.chart{max-width:100%;height:auto;font-family:"DejaVu Sans",sans-serif;font-size:12px}
    svg.chart text{fill:#1f2328}
    svg.chart .axis line{stroke:#57606a}svg.chart .grid{stroke:#eaeef2}svg.chart .zero{stroke:#8c959f;stroke-dasharray:3 3}
    svg.chart .axis-title{font-weight:bold}svg.chart .tick{font-size:11px}
    svg.chart .series polyline{stroke-width:2}
    svg.chart .band-fill{fill:#fde2c8}svg.chart .band-hatch{stroke:#e8a86b;stroke-width:2}
    svg.chart .band-label{font-size:11px;font-style:italic}
    svg.chart .empty{fill:#6e7781;font-style:italic;font-size:14px}
    svg.chart .cell-head{font-weight:bold;font-size:15px}svg.chart .cell-line{font-size:14px}
    svg.chart text.on-dark{fill:#fff}
    svg.chart .head{font-weight:bold;font-size:13px}svg.chart .note{font-size:13px}
    svg.chart .bar{fill:#0072b2}
    @media print{
    body{max-width:none;padding:0;font-size:10pt}nav{display:none}
    section{break-inside:avoid-page}figure,table{break-inside:avoid}
    .status{background:none !important;color:#000 !important;border-color:#000}
    svg.chart text,svg.chart text.on-dark{fill:#000}
    svg.chart .cell rect{fill-opacity:.55}
    a{color:#000;text-decoration:none}
    }
    """
}
