# Switchboard's GUI in English: the source catalogue. Every other language
# follows its keys (a test fails on a key missing or left over).
# Units (ms, s, req/s) and identifiers stay as they are in every language.

## Languages: each written in itself, the same in every catalogue.

language-en = English
language-zh-CN = 简体中文

## Menu bar

menu-file = File
menu-edit = Edit
menu-view = View
menu-simulate = Simulate
menu-export = Export
menu-help = Help
menu-export-format = { $format }…
menu-export-svg = Canvas as SVG…
menu-export-png = Canvas as PNG…
menu-shortcuts = Keyboard shortcuts
menu-about = About Switchboard
menu-new = New
menu-open = Open…
menu-open-recent = Open recent
menu-no-recent = No recent files
menu-open-sample = Open sample
menu-no-samples = No samples found
menu-import = Import…
menu-save = Save
menu-save-as = Save as…
menu-in-app-dialog = Always use the in-app file dialog
menu-in-app-dialog-hint = Switchboard uses its own file dialog when the desktop has no file chooser (no portal); tick this to use it always.
menu-quit = Quit
menu-undo = Undo
menu-redo = Redo
menu-cut = Cut
menu-copy = Copy
menu-paste = Paste
menu-duplicate = Duplicate
menu-delete = Delete
menu-select-all = Select all
menu-rename = Rename
menu-group = Group
menu-ungroup = Ungroup
menu-find = Find…
menu-run = Run
menu-stop = Stop
menu-results-panel = Results panel
menu-chaos-timeline = Chaos timeline
menu-compare-sweeps = Compare runs and what-if sweeps
menu-estimate-note = The ρ badges on the nodes are the instant capacity estimate;
    a run measures them (and much more) by simulation.
menu-fit-view = Fit to view
menu-zoom-selection = Zoom to selection
menu-auto-layout = Auto-layout
menu-snap = Snap to grid
menu-show-grid = Show grid
menu-minimap = Minimap
menu-problems-panel = Problems panel
menu-start-panel = Start panel
menu-theme = Theme
menu-theme-dark = Dark
menu-theme-light = Light
menu-language = Language

## Counts (plural forms)

count-node = { $count ->
        [one] { $count } node
       *[other] { $count } nodes
    }
count-edge = { $count ->
        [one] { $count } edge
       *[other] { $count } edges
    }
count-workload = { $count ->
        [one] { $count } workload
       *[other] { $count } workloads
    }
count-error = { $count ->
        [one] { $count } error
       *[other] { $count } errors
    }
count-warning = { $count ->
        [one] { $count } warning
       *[other] { $count } warnings
    }
count-replication = { $count ->
        [one] { $count } replication
       *[other] { $count } replications
    }
count-slo = { $count ->
        [one] { $count } SLO
       *[other] { $count } SLOs
    }

## Node and edge kinds

kind-service = Service
kind-gateway = API gateway
kind-database = Database
kind-cache = Cache
kind-broker = Message broker
kind-client = Client
kind-receiver = Signal receiver
kind-registry = Service registry
edge-kind-call = call
edge-kind-event = event
edge-kind-subscription = subscription
edge-kind-signal = signal

## Status bar

status-not-saved = not saved yet
status-zoom = zoom { $percent }%
status-validating = validating
status-validating-hint = The design is large: it is checked in the background, and the counts shown are of the last check.
status-hot = { $count } hot or overloaded
status-uncovered = “{ $name }” has characters no installed font has
status-uncovered-hint = Install a font for its script (e.g. fonts-noto-cjk, fonts-noto-core)
status-selected = { $count } selected

## Counts (more)

count-problem = { $count ->
        [one] { $count } problem
       *[other] { $count } problems
    }

## Dialogs and the shortcut sheet

shortcut-new-open-save = New, open, save
shortcut-save-as = Save as
shortcut-undo-redo = Undo / redo
shortcut-copy-cut-paste = Copy, cut, paste (design JSON)
shortcut-duplicate = Duplicate
shortcut-quick-add-middle = Quick-add a component in the middle of the view
shortcut-connect = Connect the node selected before to the one selected now
shortcut-add-workload = Add a workload (entering a client if there is one)
shortcut-export = Export dialog (Ctrl+S in it saves the export)
shortcut-delete = Delete the selection
shortcut-select-all = Select all
shortcut-rename = Rename the node
shortcut-group = Group / ungroup
shortcut-find = Find a node
shortcut-auto-layout = Auto-layout
shortcut-fit = Fit to view
shortcut-zoom-selection = Zoom to selection
shortcut-pan-zoom = Pan / zoom towards the cursor
shortcut-box-select = Box select (Shift adds)
shortcut-pan = Pan
shortcut-connect-drag = Connect to another node
shortcut-quick-add = Quick-add a component
shortcut-no-snap = Move without snapping
shortcut-clear-selection = Clear the selection
shortcut-keys-wheel = Wheel / Ctrl+wheel, pinch
shortcut-keys-drag-empty = Drag empty space
shortcut-keys-middle-drag = Middle or right drag, Space+drag
shortcut-keys-drag-handle = Drag a node's handle
shortcut-keys-double-click = Double-click empty canvas
shortcut-keys-alt-drag = Alt while dragging
shortcut-keys-f2 = F2, double-click
shortcut-keys-delete = Delete, Backspace
shortcut-keys-home = Home, Ctrl+0
modal-save-changes = Save changes?
modal-unsaved = { $name } has unsaved changes. Save them first?
modal-save = Save
modal-dont-save = Don't save
modal-cancel = Cancel
modal-error = Something went wrong
modal-ok = OK
modal-restore-title = Restore unsaved work?
modal-unsaved-design = an unsaved design
modal-restore-body = Switchboard did not close cleanly. Unsaved changes to { $from } (“{ $name }”, { $count ->
        [one] { $count } node
       *[other] { $count } nodes
    }) were kept.
modal-restore = Restore
modal-discard = Discard
modal-shortcuts = Keyboard shortcuts
modal-close = Close
modal-version = Version { $version }
modal-about = Design, simulate and export microservice systems.

## Palette entries and presets

palette-service = Service
palette-service-about = An application service: 1 replica × 1 worker, exponential 10 ms.
palette-gateway = API gateway
palette-gateway-about = An edge proxy in front of services.
palette-database = Database
palette-database-about = A database.
palette-cache = Cache
palette-cache-about = A cache with a 90 % hit ratio; misses follow its outgoing edges.
palette-broker = Message broker
palette-broker-about = A broker: queue (competing consumers) or topic (copy to each subscription).
palette-registry = Service registry
palette-registry-about = A service registry: services register their instances with it and client-side callers look them up.
palette-client = Client
palette-client-about = An external client or load source; workloads enter here.
palette-receiver = Signal receiver
palette-receiver-about = An in-process receiver (Django signal) hosted by a service.
preset-django = Django/Flask service
preset-django-about = gunicorn sync: 2 replicas × 5 workers ((2 × cores) + 1 on 2 cores), blocking; lognormal p50 20 ms, p99 150 ms.
preset-async = Async service
preset-async-about = tokio/Node.js: 2 replicas × 256 in flight, async; lognormal p50 5 ms, p99 40 ms.
preset-nginx = nginx gateway
preset-nginx-about = nginx: 2 replicas × 1,024 connections, async; lognormal p50 0.5 ms, p99 3 ms.
preset-envoy = Envoy gateway
preset-envoy-about = Envoy: 2 replicas × 1,024 connections, async, least-request balancing; p50 0.5 ms, p99 3 ms.
preset-postgres = Postgres
preset-postgres-about = Postgres behind PgBouncer: pool of 20 (default_pool_size); lognormal p50 2 ms, p99 20 ms.
preset-mysql = MySQL
preset-mysql-about = MySQL: 16 concurrent queries; lognormal p50 1.5 ms, p99 15 ms.
preset-redis = Redis
preset-redis-about = Redis: single-threaded; lognormal p50 0.2 ms, p99 1 ms; 90 % hits.
preset-memcached = Memcached
preset-memcached-about = Memcached: 4 threads (-t 4); lognormal p50 0.2 ms, p99 1 ms; 85 % hits.
preset-kafka = Kafka topic
preset-kafka-about = Kafka: topic mode, 8 I/O threads; produce with acks=all p50 3 ms, p99 20 ms.
preset-rabbitmq = RabbitMQ queue
preset-rabbitmq-about = RabbitMQ: queue mode (competing consumers), 4 schedulers; p50 1 ms, p99 10 ms.
preset-nats = NATS
preset-nats-about = NATS: topic mode (subjects), p50 0.1 ms, p99 1 ms.
preset-consul = Consul
preset-consul-about = Consul: 3 servers × 200 connections, async; lookups p50 1 ms, p99 8 ms; port 8500.
preset-etcd = etcd
preset-etcd-about = etcd: 3 members × 256 streams, async; linearizable reads p50 1 ms, p99 10 ms; port 2379.
preset-eureka = Eureka
preset-eureka-about = Eureka: 2 peers × 200 Tomcat threads, blocking; registry fetch p50 2 ms, p99 20 ms; port 8761.
preset-zookeeper = ZooKeeper
preset-zookeeper-about = ZooKeeper: 3-server ensemble × 60 connections, async; reads p50 0.5 ms, p99 5 ms; port 2181.

## Left panel: start and palette

palette-start = Start
palette-start-hint = Samples and recent files
palette-title = Palette
palette-drag-hint = Drag onto the canvas, or click to add.
palette-kinds = Kinds
palette-presets = Presets
palette-new-design = New design
palette-open = Open…
palette-no-samples = No samples found: looked for a samples/ folder next to the app and in the current directory.
palette-samples = Samples
palette-sample-hint = { $description }

    { $count ->
        [one] { $count } node
       *[other] { $count } nodes
    } · { $path }
palette-recent = Recent
palette-add = Add { $item }

## Canvas menus

canvas-add = Add
canvas-add-component = Add component…
canvas-auto-layout = Auto-layout
canvas-connect-to = Connect to
canvas-copy = Copy
canvas-delete = Delete
canvas-duplicate = Duplicate
canvas-fit-to-view = Fit to view
canvas-group-selection = Group selection
canvas-kind = Kind
canvas-paste = Paste
canvas-rename = Rename…
canvas-reverse-direction = Reverse direction
canvas-select-all = Select all
canvas-ungroup = Ungroup

## Problems panel

problems-click-one-to-select-the = · click one to select the culprit
problems-problems = Problems
problems-the-design-validates-and-no = · the design validates, and no node is hot (ρ ≥ 0.8)

## Find

find-find-a-node-by-name = Find a node by name…
find-no-node-matches = No node matches

## Canvas

canvas-empty-hint = Drag a component from the palette, or double-click here to add one.
    Open a sample from the Start panel to see a complete design.

## Inspector

inspector-add-operation = Add operation
inspector-add-workload = Add workload
inspector-analytic-no-simulation = (analytic, no simulation)
inspector-another-node-has-this-name = another node has this name
inspector-arrivals = Arrivals
inspector-async-released-while-waiting = async (released while waiting)
inspector-autoscaling = Autoscaling
inspector-balancing = Balancing
inspector-blocking-sync-workers = blocking (sync workers)
inspector-bounded = bounded
inspector-buffer = Buffer
inspector-burst = Burst
inspector-capacity = Capacity
inspector-cold-start = Cold start
inspector-concurrency = Concurrency
inspector-consecutive-errors = Consecutive errors
inspector-cpu-request = CPU request
inspector-delete = Delete
inspector-deployment = Deployment
inspector-description = Description
inspector-design = Design
inspector-duplicate = Duplicate
inspector-duration = Duration
inspector-ejection-time = Ejection time
inspector-error-probability = Error probability
inspector-evaluate-every = Evaluate every
inspector-group = Group
inspector-healthcheck = Healthcheck
inspector-hit-ratio = Hit ratio
inspector-host = Host
inspector-image = Image
distribution-constant = constant
distribution-exponential = exponential
distribution-uniform = uniform
distribution-gamma = gamma (mean, cv)
distribution-lognormal = log-normal (p50, p99)
distribution-empirical = empirical samples
load-overloaded = overloaded
load-hot = hot
load-calm = calm
load-idle = idle
inspector-instant-estimate = Instant estimate
inspector-kind = Kind
inspector-least-outstanding = least outstanding
inspector-max-ejected = Max ejected
inspector-max-in-flight = Max in flight
inspector-max-replicas = Max replicas
inspector-memory-request = Memory request
inspector-min-replicas = Min replicas
inspector-mode = Mode
inspector-name = Name
inspector-no-traffic-yet-add-a = No traffic yet: add a workload to see load estimates.
inspector-no-workers-of-its-own = No workers of its own (runs on its host or is a load source).
inspector-nothing-selected-these-are-the = Nothing selected: these are the design's own settings.
inspector-operations = Operations
inspector-outlier-ejection = Outlier ejection
inspector-own-service-time = own service time
inspector-per-replica = {" "}per replica
inspector-policies = Policies
inspector-port = Port
inspector-power-of-two-choices = power of two choices
inspector-preset = Preset
inspector-queue = Queue
inspector-queue-competing-consumers = queue (competing consumers)
inspector-queueing = Queueing
inspector-random = random
inspector-rate = Rate
inspector-rate-limit = Rate limit
inspector-remove-the-operation = Remove the operation
inspector-replicas = Replicas
inspector-replications = Replications
inspector-requests = {" "}requests
inspector-response = Response
inspector-round-robin = round robin
inspector-scale-down-wait = Scale-down wait
inspector-seed = Seed
inspector-service = Service
inspector-service-time = Service time
inspector-simulation = Simulation
inspector-sweep-every = Sweep every
inspector-target = Target ρ
inspector-topic-copy-per-subscription = topic (copy per subscription)
inspector-ungroup = Ungroup
inspector-warm-up = Warm-up
inspector-window = Window
inspector-worker-held = Worker held
inspector-workers = Workers
inspector-workloads = Workloads

## Inspector (counts and units)

inspector-multi-selected = { $nodes ->
        [one] { $nodes } node
       *[other] { $nodes } nodes
    }, { $edges ->
        [one] { $edges } edge
       *[other] { $edges } edges
    } selected
inspector-members = { $count ->
        [one] { $count } member
       *[other] { $count } members
    }
inspector-waiting = {" "}waiting
inspector-messages = {" "}messages
inspector-bytes = {" "}bytes

## Edge and workload inspector

edge-add-workload-entering-here = Add workload entering here
edge-amplitude = Amplitude
edge-arrivals = Arrivals
edge-at = At
edge-at-most = at most
edge-attempts = Attempts
edge-backoff = Backoff
edge-bulkhead = Bulkhead
edge-calls = {" "}calls
edge-calls-per-request = Calls per request
edge-cancel-the-callee-s-work = Cancel the callee's work when the caller gives up
edge-choose = choose…
edge-circuit-breaker = Circuit breaker
edge-closed-loop-users = closed loop (users)
edge-concurrency = Concurrency
edge-connect = Connect
edge-connections = Connections
edge-consecutive-failures = Consecutive failures
edge-constant = constant
edge-consumer = Consumer
edge-default = default
edge-delete-edge = Delete edge
edge-delete-workload = Delete workload
edge-diurnal = diurnal
edge-entry = Entry
edge-error-rate = Error rate
edge-evenly-spaced = evenly spaced
edge-every-operation = every operation
edge-exponential = exponential
edge-factor = Factor
edge-failure-ratio = Failure ratio
edge-fallback = Fallback
edge-fallback-latency = Fallback latency
edge-fixed = fixed
edge-for = For
edge-from = From
edge-group = Group
edge-half-open-probes = Half-open probes
edge-in-all = {" "}in all
edge-jitter = Jitter
edge-kind = Kind
edge-latency = Latency
edge-max-concurrent = Max concurrent
edge-max-deliveries = Max deliveries
edge-messages = {" "}messages
edge-name = Name
edge-network-latency = Network latency
edge-none = none
edge-of-calls = of calls
edge-off-the-callee-finishes-abandoned = Off: the callee finishes abandoned work, which the report counts as wasted.
edge-open-for = Open for
edge-open-loop-rate = open loop (rate)
edge-operation = Operation
edge-parallel-group = Parallel group
edge-payload = Payload
edge-per-try-timeout = Per-try timeout
edge-period = Period
edge-poisson = Poisson
edge-probability = Probability
edge-process = Process
edge-profile = Profile
edge-ramp = ramp
edge-rate = Rate
edge-reaching = Reaching
edge-redelivery-delay = Redelivery delay
edge-resilience-policy = Resilience policy
edge-retries = Retries
edge-retry-budget = Retry budget
edge-retry-on = Retry on
edge-robust = Robust
edge-send-robust-errors-do-not = send_robust (errors do not propagate)
edge-sequential = sequential
edge-service-level-objective = Service-level objective
edge-signal = Signal
edge-spike = spike
edge-step = step
edge-step-order = Step order
edge-target-operation = Target operation
edge-think-time = Think time
edge-timeout = Timeout
edge-to = To
edge-to-2 = to
edge-users = Users
edge-weight = Weight
edge-weighted-branch = Weighted branch
edge-when-the-broker-is-full = When the broker is full
edge-window = Window
edge-workload = Workload

## Edge inspector (more)

edge-heading = { $kind } edge
edge-estimate = Estimate: { $rate } req/s, mean response ~{ $response }

## Service discovery (hints)

discovery-hint-mode = How callers find this service's instances: not at all (a crashed instance stays in rotation), through a load balancer (server-side) or by asking the registry themselves (client-side).
discovery-hint-registry = The registry node the instances register with (client-side callers look the service up there).
discovery-hint-ttl = Seconds a caller keeps a fetched instance list before asking the registry again.
discovery-hint-on-failure = What a caller does when a lookup fails: keep routing on its last list, or fail the call.
discovery-hint-interval = Seconds between the registry's checks of each instance.
discovery-hint-failures = Failed checks in a row after which the registry removes the instance from its list.
discovery-hint-dead = What a call sent to a crashed but still listed instance does: refused at once, or it hangs until the caller's timeout.

## Service discovery

discovery-add-a-consul-registry-next = Add a Consul registry next to this service
discovery-adds-a-consul-node-beside = Adds a Consul node beside the service and registers the service with it (one undo step).
discovery-cache-ttl = Cache TTL
discovery-dead-instance = Dead instance
discovery-discovery = Discovery
discovery-fail-the-call = fail the call
discovery-failures-before-removal = Failures before removal
discovery-hangs-until-timeout = hangs until timeout
discovery-health-check-every = Health check every
discovery-mode = Mode
discovery-no-registry-nodes-in-the = No registry nodes in the design.
discovery-no-service-registers-here-yet = No service registers here yet: pick this registry in a service's Discovery section.
discovery-off-a-crashed-replica-stays = Off: a crashed replica stays in its load balancer's rotation until it recovers.
discovery-on-registry-failure = On registry failure
discovery-pick-the-registry-callers-look = Pick the registry callers look this service up on.
discovery-refused-at-once = refused at once
discovery-registered-services = Registered services
discovery-registry = Registry
discovery-select-this-service = Select this service
discovery-the-platform-s-own = (the platform's own)
discovery-use-the-stale-cache = use the stale cache

## Distributions

dist-coefficient-of-variation-standard-deviation = Coefficient of variation: standard deviation / mean. 1 is exponential.
dist-cv = CV
dist-max = Max
dist-mean = Mean
dist-min = Min
dist-ms-comma-separated = ms, comma-separated
dist-no-plot-for-these-values = no plot for these values
dist-samples = Samples
dist-type = Type
dist-value = Value

## Chaos timeline

timeline-a-named-set-of-workload = A named set of workload rates and faults
timeline-add = Add
timeline-add-fault = Add fault
timeline-all-replicas = all replicas
timeline-delete = Delete
timeline-delete-fault = Delete fault
timeline-delete-scenario = Delete scenario
timeline-down = {" "}down
timeline-drag-a-bar-to-move = · drag a bar to move it, its ends to resize, right-click to delete
timeline-end = end
timeline-error-probability = error probability
timeline-fail-fast = fail fast
timeline-faults-of = Faults of
timeline-hang = hang
timeline-lose-buffered-messages = lose buffered messages
timeline-new-scenario = New scenario
timeline-no-faults-add-one-above = No faults: add one above (outage, latency, errors, partition, broker outage).
timeline-on = on
timeline-rate = rate ×
timeline-set-this-workload-s-rate = Set this workload's rate in the scenario
timeline-start = start
timeline-the-design = the design

## Chaos timeline (more)

timeline-scenario = scenario { $name }
fault-kind-outage = outage
fault-kind-latency = latency
fault-kind-errors = errors
fault-kind-partition = partition
fault-kind-broker-outage = broker outage
discovery-mode-none = None
discovery-mode-server = Server-side
discovery-mode-client = Client-side

## Export dialog

export-close = Close
export-conversion-report = Conversion report
export-copy-to-clipboard = Copy to clipboard
export-everything-in-the-design-was = Everything in the design was carried over.
export-export-design = Export design
export-emulate = Emulated: every node runs switchboard serve-node, plus a load generator
export-emulate-hint = For a real cluster: the image is built from the project's Dockerfile and the design is mounted from a config (see the README, "Emulating across processes and on a cluster")
export-format = Format

## In-app file dialog

files-cancel = Cancel
files-file = File
files-folder = Folder
files-format = Format
files-home = Home
files-json = JSON
files-keep-it = Keep it
files-no-file-chosen = No file chosen
files-no-matching-files-here = No matching files here.
files-parent-folder = Parent folder
files-replace = Replace
files-yaml = YAML

## Import

import-everything-in-the-file-was = Everything in the file was mapped.
import-ok = OK

## Run bar

run-as-drawn = as drawn
run-duration = Duration
run-press-run-f5-to-simulate = Press Run (F5) to simulate.
run-rate-scale = Rate scale
run-replications = Replications
run-run = ▶ Run
run-scenario = Scenario
run-seed = Seed
run-simulate-the-design-f5 = Simulate the design (F5)
run-stop = ■ Stop
run-stop-the-run-esc = Stop the run (Esc)
run-stopped = Stopped.
run-warm-up = Warm-up

## Runs

run-simulation-stopped = Simulation stopped
run-the-design-cannot-be-simulated = The design cannot be simulated: see the problems panel

## Notices

app-add-a-client-or-a = Add a client or a service first: a workload needs a node to enter
app-exported-the-canvas-as-png = Exported the canvas as PNG
app-nothing-to-paste = Nothing to paste
app-nothing-to-redo = Nothing to redo
app-nothing-to-undo = Nothing to undo
app-select-a-node-then-another = Select a node, then another, to connect the first to the second
app-the-clipboard-does-not-hold = The clipboard does not hold design JSON

## File chooser

chooser-a-file-dialog-is-already = A file dialog is already open
chooser-no-file-chosen = No file chosen

## Export, file dialog and import (with values)

export-design-errors = ⚠ The design has { $errors } (see Problems): this export may not deploy as drawn. The command line refuses to export it unless forced.
export-cannot = This design cannot be exported to { $format }.
export-preview-cut = The preview shows the first { $shown } of { $total } lines; Copy and Save use the whole text.
export-report-notes = Conversion report ({ $count ->
        [one] { $count } note
       *[other] { $count } notes
    })
files-replace-confirm = { $path } already exists. Replace it?
import-failed = Could not import { $path }.

    { $error }
import-notice = Imported { $source } ({ $format })
import-title = Imported { $source }
import-read-as = Read as { $format }: { $nodes ->
        [one] { $nodes } node
       *[other] { $nodes } nodes
    } and { $edges ->
        [one] { $edges } edge
       *[other] { $edges } edges
    }, laid out automatically. The design is not saved yet.
import-not-mapped = Conversion notes: kinds, what became a call, placeholders, what was not mapped ({ $count })
run-cannot = The design cannot be simulated ({ $problems }, see below).
run-failed = Simulation failed: { $error }
chooser-exported = Exported { $what } to { $path }
app-saved = Saved { $path }
app-autosave-failed = Autosave failed: { $error }

## Errors

error-open-design = Could not open the design.

    { $error }
error-open-sample = Could not open the sample.

    { $error }
error-save = Could not save the design to { $path }.

    { $error }
error-file-dialog = Could not show the file dialog: { $error }
error-file-dialog-closed = The file dialog closed without an answer.
error-export = Could not export { $what } to { $path }.

    { $error }

## Export targets named in notices

what-canvas-svg = the canvas as SVG
what-run = the run

## Results: compare and sweeps

command-no-node = no node with id { $id }
command-id-in-use = the id { $id } is already in use
command-node-needs-name = a node needs a name
command-name-in-use = the name { $name } is already in use
command-no-edge = no edge with id { $id }
command-group-needs-name = a group needs a name
command-workload-name-in-use = the workload name { $name } is already in use
command-no-workload = no workload named { $name }
command-no-scenario = no scenario named { $name }
command-scenario-needs-name = a scenario needs a name
command-scenario-name-in-use = the scenario name { $name } is already in use
document-sample-copy = { $name } — sample
export-save-file = Save { $file }…
compare-axis-rate-scale = rate scale
compare-axis-replicas = replicas
import-too-large = { $file } is larger than { $limit } MiB
compare-metric-throughput = throughput, req/s
compare-metric-error-rate = error rate
compare-metric-p50 = p50, ms
compare-metric-p99 = p99, ms
compare-metric-p999 = p99.9, ms
compare-baseline = Baseline
compare-beyond-the-intervals = beyond the intervals
compare-each-point-is-a-full = Each point is a full run with the design's settings; the plot shows the worst p99 and the error rate.
compare-from = from
compare-met = met
compare-no-runs-yet-press-run = No runs yet: press Run (F5). Then pin a run as the baseline, change the design, and run again.
compare-offered-load-rate = Offered load (rate ×)
compare-pin-a-run-change-the = Pin a run, change the design or the run settings, run again: the difference shows here and dashed on the plots.
compare-point-in-progress = point in progress
compare-points = points
compare-replicas-of = Replicas of
compare-run-sweep = ▶ Run sweep
compare-stop-sweep = ■ Stop sweep
compare-to = to
compare-unpin = Unpin
compare-unstable = unstable
compare-violated = violated
compare-what-if-sweep = What-if sweep
compare-within-noise = within noise
compare-yes = yes

## Results: service discovery

results-discovery-1-add-a-service-registry = 1. Add a service registry from the palette (Consul, etcd, Eureka or ZooKeeper).
results-discovery-2-select-a-service-in = 2. Select a service; in the inspector's Discovery section pick Server-side or Client-side and a registry.
results-discovery-3-add-a-crash-fault = 3. Add a crash fault on the service (Chaos timeline) to see evictions, and run again (F5).
results-discovery-client-side-callers-cache-the = Client-side callers cache the instance list: errors last the eviction time plus up to the TTL.
results-discovery-no-service-in-this-run = No service in this run uses service discovery.
results-discovery-this-run-has-no-service = This run has no service discovery; the design uses it now: run again (F5) to see its figures.
results-discovery-to-see-how-callers-find = To see how callers find instances and how long a crashed instance stays listed:

## Results: explanation

explain-amber-queueing-blue-service-grey = Amber: queueing · blue: service · grey: network. Summed over the tail traces' critical paths.
explain-select-the-node-on-the = Select the node on the canvas
explain-show = Show

## Results: export

results-export-export = Export
results-export-no-results-to-export-run = No results to export: run the design first

## Results: faults

faults-its-effect-did-not-show = Its effect did not show at any node.
faults-measured-against-a-run-of = Measured against a run of the same seed without that fault: the difference is the fault's.
faults-reached-earliest-first = Reached, earliest first:
faults-select-the-fault-s-node = Select the fault's node on the canvas
faults-select-the-node = Select the node
faults-show = Show
faults-what-each-fault-did = What each fault did

## Results: goodput

load-goodput = Goodput
load-goodput-and-throughput = Goodput and throughput
load-of-which-in-full = of which in full
load-offered = Offered
load-throughput = Throughput
load-wasted-work = Wasted work

## Results panel

results-canvas-overlay = Canvas overlay
results-hide-the-results-view-results = Hide the results (View → Results panel brings them back)
results-no-results-yet-press-run = No results yet: press Run (F5) to simulate the design.
results-stale-the-design-changed-since = ⚠ Stale: the design changed since this run. Run again (F5) to update the figures.

## Results: plots

plots-busiest = Busiest
plots-gaps-in-a-latency-line = · gaps in a latency line: no request of that workload succeeded in those windows, so there is no latency to draw
plots-no-time-series-in-this = No time series in this report: the run was shorter than one window.
plots-nodes = Nodes:
plots-pick = Pick…

## Results: summary

summary-errors = Errors
summary-goodput = Goodput
summary-latency = Latency
summary-outcomes = Outcomes
summary-success = Success
summary-the-design-has-no-workloads = The design has no workloads: add one in the inspector to send traffic.

## Results: tables

tables-sort-by-this-column = Sort by this column
tables-the-design-has-no-message = The design has no message brokers.

## Results: traces

traces-no-traces-were-sampled-in = No traces were sampled in this run.

## Results (with values)

compare-pinned = run { $run } is pinned
compare-pin = Pin run { $run } as baseline
compare-baseline-is = baseline: run { $run }
compare-against = Run { $run } against baseline { $base }:
compare-against-designs = Run { $run } of “{ $design }” against baseline { $base } of “{ $base-design }”:
explain-tail = Where the { $count } slowest sampled requests spend their time
explain-share = { $share } %  (queue { $queue } ms, service { $service } ms, network { $network } ms)
faults-what = { $what } on { $target }, { $start }–{ $end } s
faults-error-rate = Error rate { $rate } %: { $points } points due to this fault (dark)
load-in-full = { $rate } req/s (the rest by fallbacks, degraded)
load-wasted-share = { $share } % of busy time
results-of = Results of { $caption }
results-run = Run { $run }
plots-showing-busiest = showing the { $count } busiest
plots-dashed-baseline = · dashed: baseline { $run }
summary-settings = { $design }: { $duration } s simulated ({ $warmup } s warm-up), seed { $seed }, { $replications }, rate ×{ $scale }, { $events } events, CIs by { $ci }
summary-unstable = ⚠ Unstable: { $reasons }
summary-conservation = Conservation: { $violations }
summary-slo = { $objective }: { $measured } (target { $target })
summary-latency-population = { $population } (failed requests have none)
traces-sampled = Sampled requests ({ $count }, slowest first)
traces-reason = sampled: { $reason }
traces-waterfall = { $workload } — { $latency } ms end to end, arrived at { $start } s

## Results overlay, export menu and more

overlay-whole-run = whole run
overlay-window-at = window at { $start } s
overlay-utilization = utilization ρ { $rho }
overlay-queue = queue { $queue } (max { $max } over the run)
canvas-detail-client = client
canvas-detail-queue = queue
canvas-detail-topic = topic
canvas-detail-hit = hit { $percent }%
canvas-detail-blocking = blocking
canvas-detail-async = async
overlay-error-badge = { $percent }% err
overlay-throughput = { $rate } ok/s · p99 { $p99 } ms
overlay-times = wait { $wait } ms · service { $service } ms · downstream { $downstream } ms
overlay-outcomes = { $errors } errors · { $timeouts } timeouts · { $rejected } rejected ({ $failed } % failed)
overlay-replay = Replay the run window by window
overlay-all = all
overlay-show-whole = Show the whole run
results-export-json = Report as JSON…
results-export-csv = Time series as CSV…
results-export-html = HTML report…
results-discovery-hint = Calls to dead instances went to a crashed instance the registry still listed (or, client-side, a caller's cached list still held). Crash→eviction is how long the registry's health check took to remove it.
error-save-sample = Could not save the design to { $path }.

    That is one of the samples shipped with Switchboard, which stay as they are: save your copy somewhere else.

## Run bar (progress)

run-showing = Showing run { $run } of “{ $design }”
run-showing-stale = Showing run { $run } of “{ $design }” (stale: the design changed)
run-progress-replication = replication { $now } of { $asked }
run-progress-then = replication { $now } of { $asked }, then { $runs ->
        [one] { $runs } run
       *[other] { $runs } runs
    } without the faults to measure their share
run-progress-fault-runs = run { $now } of { $total } without the faults, to measure their share

## Result table columns

col-amplification = Amplification
col-attempts = Attempts
col-backlog-max = Backlog max
col-backlog-mean = Backlog mean
col-blocked = Blocked
col-breaker-opens = Breaker opens
col-broker = Broker
col-bulkhead = Bulkhead
col-cache-hit-pct = Cache hit %
col-call-timeouts = Call timeouts
col-calls = Calls
col-calls-to-dead = Calls to dead
col-crash-to-eviction-max = Crash→eviction max
col-crash-to-eviction-mean = Crash→eviction mean
col-crashes = Crashes
col-delay-p50-ms = Delay p50 ms
col-delay-p99-ms = Delay p99 ms
col-delivered = Delivered
col-dlq = DLQ
col-dropped = Dropped
col-edge = Edge
col-ejections = Ejections
col-errors = Errors
col-evictions = Evictions
col-fail-fast = Fail-fast
col-failed-calls = Failed calls
col-failed-for-no-list = Failed for no list
col-fallbacks = Fallbacks
col-in-flight = In flight
col-kind = Kind
col-lag-max-ms = Lag max ms
col-lookup-failures = Lookup failures
col-lookups = Lookups
col-lookups-per-s = Lookups/s
col-lost = Lost
col-mode = Mode
col-node = Node
col-ok-per-s = OK/s
col-p50-ms = p50 ms
col-p99-ms = p99 ms
col-published = Published
col-queue-max = Queue max
col-queue-mean = Queue mean
col-redelivered = Redelivered
col-registry = Registry
col-rejected = Rejected
col-replicas-max = Replicas max
col-replicas-mean = Replicas mean
col-rho = ρ
col-service = Service
col-service-ms = Service ms
col-stale-routed = Stale routed
col-time-open = Time open
col-timeouts = Timeouts
col-try-timeouts = Try timeouts
col-wait-ms = Wait ms
col-wasted-pct = Wasted %
col-wasted-s = Wasted s

## Results tabs and verdict

tab-summary = Summary
tab-why = Why
tab-plots = Plots
tab-nodes = Nodes
tab-edges = Edges
tab-brokers = Brokers
tab-discovery = Discovery
tab-traces = Traces
tab-compare = Compare
tab-chaos = Chaos timeline
verdict-unstable = UNSTABLE: queues grew without bound
verdict-fail = FAIL: { $failed } of { $slos } missed ({ $list })
verdict-inconclusive = { $slos } inconclusive
verdict-no-slos = Stable; no SLOs to check
verdict-all-met = All { $slos } met; stable
results-restore-size = Restore size
results-restore-hint = Give the canvas its space back
results-maximise = Maximise
results-maximise-hint = Use the whole window for the results

## File dialogs and import (more)

edge-when-full-drop = drop the message
edge-when-full-error = fail the publisher
edge-when-full-block = block the publisher
files-title-open = Open design
files-title-import = Import Compose, Kubernetes or isotope file
files-title-save = Save design
files-title-export = Export
files-cannot-list = Cannot list { $path }: { $error }
files-type-a-name = Type a file name or choose a file.
files-does-not-exist = { $path } does not exist.
files-folder-does-not-exist = The folder { $path } does not exist.
import-format-kubernetes = Kubernetes manifests
import-format-isotope = Istio isotope service graph

## Discovery, export notes and canvas (more)

discovery-eviction-server = A crashed instance is evicted after ≈ { $mean } on average.
discovery-eviction-client = A crashed instance is evicted after ≈ { $mean } on average (+ up to { $ttl } TTL for client-side callers).
discovery-pick-registry = (pick a registry)
discovery-not-a-registry = ⚠ { $name } (not a registry)
export-copied = Copied { $count ->
        [one] { $count } line
       *[other] { $count } lines
    } to the clipboard
export-note-unsupported = Not expressible, left out
export-note-placeholder = Placeholders
export-note-approximated = Approximated
export-note-renamed = Renamed
export-note-mapped = Mapped
canvas-connect-from = Connect from { $name }

## Discovery links and totals, fault impact, load verdict

link-registers = { $service } registers with { $registry } ({ $how })
link-client = client-side lookups, TTL { $ttl }
link-server = server-side: its load balancer routes over the listed instances
discovery-totals = { $services ->
        [one] { $services } discovered service
       *[other] { $services } discovered services
    } · { $crashes ->
        [one] { $crashes } crash
       *[other] { $crashes } crashes
    } · { $evictions ->
        [one] { $evictions } eviction
       *[other] { $evictions } evictions
    } · { $dead ->
        [one] { $dead } call
       *[other] { $dead } calls
    } to dead instances
discovery-slowest = {" "}· slowest eviction { $time }
faults-impact = { $workload }: errors { $rate } % ({ $rate-without } % without it): { $points } points due to this fault · p99 { $p99 } ms ({ $p99-without } ms without, { $p99-diff } ms) · mean { $mean } ms ({ $mean-without } ms without)
faults-reach-slower = slower from { $at } s (+{ $after } s)
faults-reach-failing = failing from { $at } s (+{ $after } s)
load-waste = { $answered } % of the offered requests are answered, while the nodes do { $visits } visits per request and spend { $wasted } % of their busy time on work nobody waits for
load-retries = ; { $retried } retries on { $calls } calls
load-storm = : a retry storm — throughput rises while goodput collapses.
load-end = .

## Native file dialogs, sweeps and captions

native-designs = Designs
native-all-files = All files
native-json-design = JSON design
native-yaml-design = YAML design
sweep-error = the design cannot be simulated: see the problems panel
results-caption = run { $run } of “{ $design }”
results-caption-stale = run { $run } of “{ $design }” (the design changed since)
sweep-col-point = Point
sweep-col-ok = OK/s
sweep-col-worst-p99 = Worst p99, ms
sweep-col-errors = Errors
sweep-col-stable = Stable
sweep-col-slos = SLOs

## Plot axes and legends

axis-latency-ms = latency, ms
axis-requests-s = requests/s
axis-utilization = utilization ρ
axis-queue-length = queue length
axis-broker-backlog-messages = broker backlog, messages
axis-goodput-requests-s = goodput, requests/s
axis-throughput-node-visits-s = throughput, node visits/s
axis-breaker-state = breaker state
axis-tries-per-call = tries per call
axis-replicas-serving = replicas serving
axis-consumer-lag-ms = consumer lag, ms
axis-simulated-time = simulated time, s
legend-offered-mean = offered (mean)
legend-goodput = goodput (answered/s)
legend-failed = failed/s
legend-throughput-visits = throughput (visits/s, retries included)
axis-errors-pct = errors, %
legend-error-rate = error rate
legend-points = points

## Plot axes (sweeps)

legend-worst-p99 = worst p99

## Plot legends (per workload)

legend-p99-baseline = { $workload } p99 (baseline)
legend-failed-per-s = { $workload } failed/s
legend-ok-baseline = { $workload } ok/s (baseline)

## Result cards (outcomes and load)

load-goodput-text = { $rate } req/s ({ $share } % of offered)
load-throughput-text = { $rate } node visits/s ({ $visits } per request)
outcome-ok = { $count } ok
outcome-degraded = { $count } degraded
outcome-error = { $count } error
outcome-timeout = { $count } timeout
outcome-rejected = { $count } rejected
outcome-in-flight = { $count } in flight
outcome-no-failures = no failures

## Verdicts, comparisons, traces and run progress

verdict-pass = PASS
verdict-fail-badge = FAIL
verdict-inconclusive-badge = INCONCLUSIVE
diff-col-workload = Workload
diff-col-figure = Figure
diff-col-before = Before
diff-col-after = After
diff-col-change = Change
trace-segment-network = network
trace-segment-queue = queue
trace-segment-service = service
trace-segment-downstream = downstream
trace-segment-network-back = network back
trace-kind-entry = entry
trace-kind-call = call
trace-kind-signal = signal
trace-kind-publish = publish
trace-kind-delivery = delivery
trace-kind-lookup = registry lookup
trace-outcome-ok = ok
trace-outcome-degraded = degraded
trace-outcome-error = error
trace-outcome-timeout = timeout
trace-outcome-rejected = rejected
trace-outcome-in-flight = in flight
traces-random-tag = {" "}· random
plot-warm-up = warm-up
discovery-mode-client-side = client-side
discovery-mode-server-side = server-side
traces-span-tip = { $name }: network in { $net-in } ms, queue { $queue } ms, service { $service } ms, downstream { $downstream } ms, network out { $net-out } ms, { $outcome }
breaker-line = { $edge } · open { $open } s ({ $share } %), opened { $count }×
run-progress = { $done } / { $total } s simulated · { $what }
run-progress-left = { $done } / { $total } s simulated · { $what } · { $left } left
discovery-server-side = server-side
discovery-client-ttl = client-side, TTL { $ttl }
discovery-need-registry-client = Client-side discovery needs a registry node, and the design has none yet.
discovery-need-registry-server = No registry node yet: server-side discovery then uses the platform's own (Kubernetes endpoints, DNS).
inspector-no-host = (none)
files-save = Save
files-open = Open
results-run-baseline = { $run } (baseline)
results-discovery-platform = (platform)

## Cost (#19)
inspector-cost = Cost
cost-per-month = { $amount } per month
cost-unpriced = unpriced (no CPU or memory request, no monthly price)
cost-no-requests = no requests finished
summary-cost = Cost: { $month } per month, { $million } per million requests (price table { $table })
summary-cost-unpriced = Unpriced (not counted): { $nodes }

## Right-size and Headroom (#19)
menu-rightsize = Right-size…
menu-headroom = Headroom…
rightsize-title = Right-size
headroom-title = Headroom
rightsize-running = Searching: { $runs } of at most { $max } runs
rightsize-cancel = Cancel
rightsize-close = Close
rightsize-cancelled = Cancelled.
rightsize-no-slos = The design has no SLOs: the search needs SLOs to pass.
rightsize-passed = Found the fewest replicas that pass every SLO ({ $runs } runs).
rightsize-not-passed = No configuration passed every SLO within { $runs } runs (inconclusive verdicts count as failing).
rightsize-no-cost = unpriced
rightsize-node = Node
rightsize-replicas = Replicas
rightsize-node-cost = Cost per month
rightsize-total = Total
rightsize-stale = The design changed since the search: run it again to apply.
rightsize-apply = Apply
rightsize-nothing-to-change = The design already has these replicas.
rightsize-plot = Candidates tried: cost against p99
rightsize-no-cost-plot = The design has no cost settings: no cost to plot.
rightsize-vary = May change:
rightsize-vary-replicas = replicas
rightsize-vary-workers = workers
rightsize-vary-queue = queues
rightsize-vary-workers-hint = Each node needs cost.cpu_millicores_per_worker: a worker's CPU is what it costs.
rightsize-scenarios = Must pass under:
rightsize-no-scenarios = the design as drawn (it has no scenarios)
rightsize-start = Start the search
rightsize-nothing-to-vary = Choose at least one thing that may change.
rightsize-no-worker-cpu = { $node } has no CPU per worker (cost.cpu_millicores_per_worker): set it, or do not vary workers.
rightsize-workers = Workers
rightsize-queue = Queue
rightsize-scenario = Scenario { $name }:
rightsize-steps = Why each step was taken ({ $count })
rightsize-hints = Resilience hints (none applied)
rightsize-no-hints = No call policy works against the design in these runs.
axis-cost-per-month = Cost per month
axis-p99-ms = p99 (ms)
axis-rate-scale = Rate scale
axis-error-rate = Error rate (%)
legend-tried = tried
legend-pareto = Pareto front
legend-passing = passes every SLO
headroom-scale = Highest passing scale
headroom-interval = Interval (passes .. fails)
headroom-estimate = Point estimate
headroom-offered = Offered load there
headroom-saturates-first = Saturates first
headroom-analytic = Capacity estimate saturates at
headroom-runs = Runs
headroom-first-failing = First to fail: { $slos }
headroom-first-unstable = First failure: the run was unstable (a queue grew without bound).
headroom-cap-hit = The run cap was reached before the interval closed.
headroom-plot = p99 and error rate against the rate scale

## File → Import traces / metrics (calibration)
menu-calibrate = Import traces / metrics…
files-title-telemetry = Import traces or metrics
calibrate-no-data = The file holds no spans or metrics that calibration can use.
calibrate-failed = Could not calibrate from { $path }: { $error }
calibrate-worker-stopped = the calibration stopped unexpectedly
calibrate-design-changed = The design changed while the calibration ran; import the file again.
calibrate-applied = Design updated from telemetry: { $count } changes (one undo step)
calibrate-running = Calibrating from { $source }…
calibrate-title = Calibration from { $source }
calibrate-read = { $spans } spans in { $traces } traces over { $seconds } s
calibrate-changes = Changes ({ $count })
calibrate-not-inferred = Not inferred ({ $count })
calibrate-fit = Own time per service: data against the fit
calibrate-no-fit = No service times in this data.
calibrate-fit-figures = { $samples } samples, p50 { $p50 } ms, p99 { $p99 } ms, KS distance { $ks }
calibrate-kept-lognormal = Kept: the log-normal through p50 and p99.
calibrate-kept-empirical = Kept: the empirical distribution (the log-normal does not fit).
calibrate-axis-ms = own time (ms)
calibrate-axis-cdf = share of requests
calibrate-data = data
calibrate-lognormal = log-normal
calibrate-update = Update this design
calibrate-update-hint = Apply every change listed to the open design, as one undo step.
calibrate-open-new = Open as new design
calibrate-cancel = Cancel

## Emulate ▶: the design as real services (#17)
tab-emulation = Emulation
emulate-emulate = ▶ Emulate
emulate-hint = Run the design as real HTTP services on this machine (127.0.0.1), drive its workloads, then compare what was measured with the simulator
emulate-stop = ■ Stop emulation
emulate-stop-hint = Stop the load: what was measured so far still shows
emulate-progress = { $done } / { $total } s emulated · { $sent } sent · { $answered } answered
emulate-simulating = Simulating the same window for the comparison…
emulate-starting = Starting the services and measuring the timer…
emulate-none-yet = Nothing emulated yet: press ▶ Emulate to run the design as real services and compare them with the simulator.
emulate-failed = The emulation failed: { $error }
emulate-copied = Copied { $url }
emulate-refused = The emulator cannot run this design yet:
emulate-refused-simulate = The simulator runs it: press Run (F5).
emulate-missing-autoscaling = autoscaling of a node found through service discovery or of a signal receiver is not emulated yet
emulate-missing-fault = this fault fits no target the simulator runs it on, so it is not emulated either
emulate-header = Emulating “{ $design }” · time scale ×{ $scale } · the timer wakes { $late } ms late on average (taken off every sleep)
emulate-live = Last half second: { $throughput } req/s, mean { $mean } ms · { $sent } sent · { $answered } answered · { $inflight } in flight · { $failed } failed
emulate-plot-throughput = Successful requests per second
emulate-plot-latency = Mean latency, ms
emulate-ports-hint = Every node listens on its own port while the load runs; any HTTP tool can call it. Click a URL to copy it.
emulate-node = Node
emulate-url = URL (POST)
emulate-metrics-url = Metrics (Prometheus)
emulate-click-to-copy = Click to copy
emulate-measured = Measured over { $window } s after the warm-up ({ $ran } s of load, modelled time).
emulate-measured-stopped = Stopped after { $ran } s of load: the figures cover the { $window } s after the warm-up.
emulate-no-window = Stopped before the warm-up ended: nothing was measured to compare.
emulate-comparison-cancelled = Stopped while simulating: no comparison.
emulate-comparison-failed = The simulation for the comparison failed: { $error }
emulate-part = Part
emulate-figure = Figure
emulate-measured-col = Measured
emulate-simulated-col = Simulated (± 95 % CI)
emulate-difference = Difference
emulate-metric-throughput = throughput
emulate-metric-mean = mean latency
emulate-metric-p50 = p50
emulate-metric-p99 = p99
emulate-metric-errors = error rate
emulate-scope-workload = workload
emulate-scope-node = node
emulate-scope-edge = edge
emulate-scope-broker = broker
emulate-scope-discovery = discovery
emulate-scope-replicas = replicas
emulate-replicas-mean = replicas serving, mean
emulate-discovery-lookups = registry lookups
emulate-discovery-eviction = crash to eviction, mean
emulate-discovery-dead = calls to dead instances
emulate-broker-consumed = messages consumed
emulate-broker-delay-mean = mean publish-to-consume delay
emulate-broker-delay-p50 = delay p50
emulate-broker-delay-p99 = delay p99
emulate-broker-dead-lettered = dead-lettered share
emulate-legend = Differences:
emulate-legend-within-ci = inside the simulation's interval
emulate-legend-close = within { $pct } %
emulate-legend-far = within { $pct } %
emulate-legend-beyond = beyond { $pct } %
emulate-stopped = Emulation stopped: what was measured is in the results
emulate-finished = Emulation finished: measured vs simulated in the results
export-collapse-groups = Collapse groups
export-collapse-groups-hint = One node per group, the edges between groups aggregated: for designs above Mermaid's limit of 500 edges
import-add-file = Add a file…
import-add-file-hint = Add a Compose override (merged over the files before it) or another Kubernetes manifest, and import them all again
