# 引擎的句子（设计校验问题、容量估算的发现、运行的警告与不稳定原因、原因分析、故障摘要、边的标签）的简体中文。
# 术语与 switchboard.ftl 一致，见 ../glossary.md。
# 英文写在引擎代码里（engine/src/message.rs 的 msg! 宏），键与参数与代码一致；
# 参数 $kind（节点类型）与 $edge_kind（边类型）由界面按 kind-* / edge-kind-* 译出。

## 容量估算
engine-message-loop-gain = 经过 { $cycle } 的消息环路增益为 { $gain } ≥ 1：每条消息至少引出一条新消息，流量会无限增长
engine-overloaded = 过载：峰值负载下估算利用率为 { $rho }，队列会无限增长
engine-hot = 偏热：峰值负载下估算利用率为 { $rho }（≥ { $hot }）

## 运行的警告与不稳定原因
engine-call-hung-crashed-instance-with = 有 { $hung_forever } 次对 { $name } 的调用卡在已崩溃的实例上，且没有超时来结束等待：这些请求始终没有完成
engine-rate-scale = 必须是大于 0 的有限数，实际为 { $found }
engine-workload-have-95-confidence-interval = 有 { $wide } 个负载的 95% 置信区间宽于该数值的 5%：请延长运行时间或增加重复次数
engine-requests-flight-reached-cap-later = 并发中的请求达到上限 { $max_in_flight }：之后到达的请求被拒绝
engine-brokers-held-messages-later-messages = 消息代理中积压了 { $max_messages } 条消息：之后的消息被丢弃
engine-some-calls-were-nested-deeper = 部分调用的嵌套深度超过 { $max_depth } 层（调用环路？），这些调用失败
engine-drawn-stretched-delay-were-longer = 有 { $clamped } 个抽取或拉长后的延迟超过约 3 年，被截断在该值：相应请求在运行结束后仍未完成
engine-queue-kept-growing-mean-then = { $id } 的队列持续增长（平均等待数先为 { $a }，后为 { $b }），其工作线程忙碌 { $busy }
engine-backlog-kept-growing-mean-then = { $id } 的积压持续增长（平均先为 { $a } 条，后为 { $b } 条消息）
engine-simulated-time-stopped-advancing-millions = 仿真时间在 { $at_s } s 处停止推进：该时刻有数百万个事件（一个没有延迟的环路，例如对立即失败的服务进行没有退避的重试）；运行在此处截断
engine-sweep-no-node = 没有节点 { $node }

## 服务发现
engine-not-found-through-registry-remove = { $kind }不通过服务注册中心查找；请删除 `discovery`
engine-client-side-discovery-needs-registry = 客户端服务发现需要一个用于查找的服务注册中心节点
engine-registry-not-node = 注册中心 { $r } 不是一个节点
engine-not-registry = { $name } 是{ $kind }，不是服务注册中心
engine-calls-hang-crashed-instance-call = 对 { $name } 的调用会卡在已崩溃的实例上，而这条调用没有超时：它们会一直等待
engine-no-service-registers-with-registry = 没有服务注册到这个注册中心：请设置某个服务的 `discovery.registry`

## 边
engine-edge-needs-id = 边需要一个 id
engine-duplicate-edge-id = 边 id { $id } 重复
engine-node-does-not-exist = 节点 { $from } 不存在
engine-node-does-not-exist-2 = 节点 { $to } 不存在
engine-edge-cannot-connect-node-itself = 边不能把节点连到它自己
engine-branch-needs-group-name = 分支需要一个分组名
engine-must-least-1-use-probability = 至少为 1（要跳过这一步请用概率）
engine-must-most-10000-found = 最多为 10000，实际为 { $calls_per_request }
engine-has-no-operation = { $name } 没有操作 { $op }
engine-parallel-group-has-steps-orders = 并行分组 { $g } 的步骤位于顺序 { $order } 和 { $order2 }：一个分组是一个步骤
engine-call-policies-apply-call-edges = 调用策略只作用于调用边；已忽略
engine-subscription-settings-apply-subscription-edges = 订阅设置只作用于订阅边；已忽略
engine-must-most-1000-found = 最多为 1000，实际为 { $max_deliveries }
engine-signal-name-edge-not-signal = 非信号边上的信号名会被忽略
engine-robust-applies-signal-edges-only = `robust` 只作用于信号边；已忽略
engine-default-handling-branch-steps = 默认处理有 { $n } 个分支步骤；最多 { $max } 个（仿真器用 64 位掩码标记跳过的分支）
engine-operation-branch-steps = 操作 { $op } 有 { $n } 个分支步骤；最多 { $max } 个（仿真器用 64 位掩码标记跳过的分支）
engine-call-cannot-go-into-broker = 调用不能进入消息代理 { $name }：请用事件边发布
engine-signal-receiver-connect-with-signal = { $name } 是信号接收器：请用信号边连接
engine-external-client-nothing-calls = { $name } 是外部客户端：没有谁会调用它
engine-event-must-go-into-broker = 事件必须进入消息代理，但 { $name } 是{ $kind }
engine-broker-delivers-with-subscription-edges = 消息代理 { $name } 通过订阅边投递，而不是事件边
engine-subscription-starts-broker-but = 订阅必须从消息代理出发，但 { $name } 是{ $kind }
engine-cannot-consume-messages = { $kind }不能消费消息
engine-signal-goes-receiver-but = 信号发往信号接收器，但 { $name } 是{ $kind }
engine-signals-are-process-receiver-hosted = 信号在进程内传递：接收器 { $name } 由 { $to } 托管，而不是 { $from }
engine-broker-outgoing-edges-are-subscriptions = 消息代理的出边是订阅边，不能是{ $edge_kind }边
engine-exceeds-overall-timeout-ms-so = 超过了总超时（{ $total } ms），因此永远不会触发
engine-must-least-1-first-try = 至少为 1（第一次尝试也计入）
engine-must-most-100-found = 最多为 100，实际为 { $max_attempts }
engine-must-least-base-ms = 至少为 base_ms（{ $base_ms }）
engine-no-failure-retried-so-extra = 没有任何失败会被重试，额外的尝试永远不会发生
engine-set-consecutive-failures-failure-ratio = 请设置 consecutive_failures 或 failure_ratio：否则没有条件能打开熔断器
engine-must-0-1-found-2 = 必须在 (0, 1] 之内，实际为 { $r }
engine-must-most-100000-found = 最多为 100000，实际为 { $window_calls }
engine-synchronous-call-cycle-through-request = 经过 { $cycle } 的同步调用环路：请求会等待它自己

## 负载、故障、SLO 与场景
engine-must-after-start-found = 必须晚于 start_s（{ $start_s }），实际为 { $end_s }
engine-no-workload-nothing-enters-design = 没有负载：没有流量进入设计，运行时看不到任何流量
engine-workload-needs-name = 负载需要一个名称
engine-duplicate-workload-name = 负载名称 { $name } 重复
engine-closed-loop-users-all-more = 闭环用户共 { $users } 个，多于 simulation.max_in_flight（{ $cap }）；请提高 max_in_flight（最多 { $max_in_flight }）或减少用户数
engine-entry-node-does-not-exist = 入口节点 { $entry } 不存在
engine-traffic-cannot-enter = 流量不能从{ $kind }（{ $name }）进入
engine-more-than-10-million-requests = 每秒超过一千万个请求，超出了仿真器的处理能力
engine-fault-needs-name = 故障需要一个名称
engine-duplicate-fault-name = 故障名称 { $name } 重复
engine-neither-node-nor-edge = { $target } 既不是节点也不是边
engine-outage-targets-node = 宕机故障的目标是节点
engine-must-between-1-node-replicas = 必须在 1 到 { $replicas }（该节点的副本数）之间
engine-stretches-slowest-draw-1-10 = 把 { $target } 最慢的一次抽样（10⁹ 分之一）拉长到 { $stretched_ms }，超过一年：仿真器的时钟无法容纳
engine-partition-targets-edge = 网络分区故障的目标是边
engine-broker-outage-targets-broker-node = 消息代理宕机故障的目标是消息代理节点
engine-workload-does-not-exist = 负载 { $workload } 不存在
engine-slo-without-latency-bound-error = 既没有延迟上限也没有错误率上限的 SLO 什么也不检查
engine-must-between-0-100-exclusive = 必须在 0 到 100 之间（不含两端），实际为 { $percentile }
engine-scenario-needs-name = 场景需要一个名称
engine-duplicate-scenario-name = 场景名称 { $name } 重复
engine-workload-closed-loop-has-no = 负载 { $workload } 是闭环负载：它没有速率
engine-fault-name-already-used-design = 故障名称 { $name } 已在设计或本场景中使用

## 数值与分布
engine-must-finite-number-found = 必须是有限数，实际为 { $value }
engine-must-be-at-least = 至少为 { $min }，实际为 { $value }
engine-must-be-between = 必须在 { $min } 到 { $max } 之间，实际为 { $value }
engine-must-greater-than-0-found = 必须大于 0，实际为 { $value }
engine-must-finite-number-found-2 = 必须是有限数，实际为 { $value_s }
engine-must-between-0-001-year = 必须在 0.001 s 到一年（31536000 s）之间，实际为 { $value_s }
engine-must-least-ms-1-ns = 至少为 { $min_scale_ms } ms（1 ns），实际为 { $value_ms }
engine-must-most-year-ms-found = 最多为一年（{ $max_duration_ms } ms），实际为 { $value }
engine-must-least-min-ms-found = 至少为 min_ms（{ $min_ms }），实际为 { $max_ms }
engine-must-exceed-p50-ms-found = 必须大于 p50_ms（{ $p50_ms }），实际为 { $p99_ms }
engine-most-samples-found = 最多 { $max_empirical_samples } 个样本，实际为 { $count }
engine-needs-least-one-sample = 至少需要一个样本
engine-must-least-0-found = 至少为 0，实际为 { $s }

## 节点与设置
engine-must-least-1 = 至少为 1
engine-must-found-2 = 必须为 { $format_version }，实际为 { $version }
engine-node-needs-id = 节点需要一个 id
engine-duplicate-node-id = 节点 id { $id } 重复
engine-node-needs-name = 节点需要一个名称
engine-name-already-used-by-node = 名称 { $name } 已被节点 { $other } 使用
engine-must-finite-coordinates = 坐标必须是有限数
engine-must-most-found = 最多为 { $max_replicas_per_node }，实际为 { $replicas }
engine-operation-needs-name = 操作需要一个名称
engine-duplicate-operation = 操作 { $name } 重复
engine-cache-settings-node-not-cache = 非缓存节点上的缓存设置会被忽略
engine-broker-settings-node-not-broker = 非消息代理节点上的消息代理设置会被忽略
engine-must-least-1-omit-unbounded = 至少为 1（不设则不限）
engine-must-between-1-65535 = 必须在 1 到 65535 之间
engine-must-start-with = 必须以 `/` 开头
engine-receiver-runs-inside-host-service = 信号接收器运行在宿主服务内：请设置 `host`
engine-host-not-node = 宿主 { $h } 不是一个节点
engine-host-not-service = 宿主 { $name } 是{ $kind }，不是服务
engine-only-receivers-have-host-ignored = 只有信号接收器有宿主；已忽略
engine-replicas-all-each-node-most = 共 { $total } 个副本（每个节点按其最大值计）；最多 { $max_replicas_total } 个
engine-must-most-found-2 = 最多为 { $max_replicas_per_node }，实际为 { $max_replicas }
engine-must-least-min-replicas = 至少为 min_replicas（{ $min_replicas }）
engine-must-0-1-found = 必须在 (0, 1] 之内，实际为 { $target_utilization }
engine-outside-autoscaling-range-run-starts = 超出自动扩缩容范围；运行从该值开始并自动扩缩
engine-must-most-year-simulated-time = 最多为一年的仿真时间
engine-must-least-found = 至少为 { $min_span_s } s，实际为 { $duration_s }
engine-must-shorter-than-duration = 必须短于 duration_s（{ $duration_s }）
engine-must-end-least-before-duration = 必须在 duration_s（{ $duration_s }）之前至少 { $min_span_s } s 结束
engine-must-between-1-1000-found = 必须在 1 到 1000 之间，实际为 { $replications }
engine-must-most-about-2-gb = 最多为 { $max_in_flight }（约 2 GB 的并发请求，每个请求同时位于多个节点时更多），实际为 { $found }
engine-must-least-found-2 = 至少为 { $min_span_s } s，实际为 { $window_s }
engine-gives-more-than-100-000 = 会产生超过 100,000 个统计窗口：请把窗口调宽
engine-no-workload-reaches-never-sees = 没有负载到达 { $name }：它永远没有流量

## 组合句子与列表分隔符
engine-list = { $items }
engine-separator-comma = ，
engine-separator-semicolon = ；
# 中文句子之间不加空格。
engine-separator-sentence = { "" }

## 原因分析：饱和与尾延迟
engine-saturated-definition = 饱和是指资源的容量已经用尽：其工作线程几乎一直忙于自身的工作（平均 ≥ 85 %，或某个窗口内 ≥ 98 %），或者其队列已满或持续增长，因此请求需要等待或被拒绝。
engine-tail-definition = 尾延迟占比最大的节点，是最慢的请求（p99 及以上）在关键路径上花费时间最多的节点；它不一定繁忙，可能只是慢。
engine-evidence-queue-growing = 队列持续增长
engine-evidence-queue-full = 队列已满
engine-evidence-own-work = 工作线程平均有 { $busy } 的时间忙于自身的工作
engine-evidence-busiest-window = 最忙的窗口内为 { $busy }
engine-evidence-turned-away = 拒绝了 { $rejected } 个请求
engine-saturated-cause = 饱和：{ $name }（{ $evidence }）。
engine-saturated-behind = 在它之后积压的：{ $names }（队列已满，而其工作线程大多在等待下游调用）。
engine-saturated-none = 饱和：没有节点饱和。
engine-finding-unstable = 本次运行不稳定：{ $reasons }。
engine-finding-slo-missed = SLO 未达成：{ $workload } 的{ $objective }为 { $measured }，目标为 { $target }：超出 { $over }（{ $relative } %）。
engine-finding-slo-inconclusive = SLO 无法判定：{ $workload } 的{ $objective }为 { $measured }，置信区间跨过了目标 { $target }：请延长运行时间或增加重复次数。
engine-finding-slo-met = SLO 达成：{ $workload } 的{ $objective }为 { $measured }（目标 { $target }）。
engine-finding-tail = 尾延迟占比最大：{ $name } —— 最慢的请求（p99 及以上的 { $traces } 条采样 trace）有 { $share } % 的时间花在这里（其中排队 { $queue } %，服务 { $service } %，网络 { $network } %）。
engine-finding-tail-next = 其次：{ $name }（{ $share } %）。
engine-finding-tail-not-saturated = 它并未饱和（忙碌 { $busy }）：它是慢，而不是容量不足。
engine-finding-no-traces = 没有采样到 trace，因此无法分解尾延迟。
engine-finding-hot = { $name } 偏热：ρ { $rho }，平均队列长度 { $queue }，拒绝 { $rejected } 个。

## 故障
engine-finding-fault = 故障：{ $summary }。
engine-fault-word-outage = 宕机
engine-fault-word-latency = 附加延迟
engine-fault-word-errors = 错误突增
engine-fault-word-partition = 网络分区
engine-fault-word-broker-outage = 消息代理宕机
engine-finding-during-fault-against = 故障“{ $name }”期间（{ $target } 上的{ $fault_kind }，{ $start }–{ $end } s）：每秒 { $failed_per_s } 个失败请求，最差 p99 为 { $p99 } ms；故障之外为每秒 { $outside_failed } 个和 { $outside_p99 } ms。
engine-finding-during-fault = 故障“{ $name }”期间（{ $target } 上的{ $fault_kind }，{ $start }–{ $end } s）：每秒 { $failed_per_s } 个失败请求，最差 p99 为 { $p99 } ms。
engine-fault-summary-unattributed = { $name }：{ $target } 上的{ $what }，从 { $start } 到 { $end }
engine-fault-summary-not-attributed = { $summary }（未归因：只有前 { $max } 个故障会被归因）
engine-fault-summary-start = { $name }（{ $what }）于 { $at } 作用在 { $target } 上
engine-fault-reached-failures = { $name } 自 { $at } 起失败
engine-fault-reached-latency = { $name } 自 { $at } 起变慢
engine-fault-impact-of-succeeded = { $workload }：错误率 { $errors }%，其中 { $points } 个百分点由该故障造成；成功的 { $share } 请求的 p99 为 { $p99 } ms（无此故障时 { $without } ms）
engine-fault-impact = { $workload }：错误率 { $errors }%，其中 { $points } 个百分点由该故障造成；p99 为 { $p99 } ms（无此故障时 { $without } ms）
engine-fault-no-effect = 对任何节点都没有可测量的影响

## 服务发现的代价
engine-finding-dead-evicted-client = 有 { $calls } 次对 { $name } 的调用（{ $share }%）到达了已崩溃但仍在列表中的实例，平均在崩溃 { $evicted_s } s 后才被剔除；缩短健康检查间隔或缓存 TTL，或在另一个实例上重试，可以缩小这个窗口。
engine-finding-dead-evicted-server = 有 { $calls } 次对 { $name } 的调用（{ $share }%）到达了已崩溃但仍在列表中的实例，平均在崩溃 { $evicted_s } s 后才被剔除；异常实例驱逐或缩短健康检查间隔可以缩小这个窗口。
engine-finding-dead-client = 有 { $calls } 次对 { $name } 的调用（{ $share }%）到达了已崩溃但仍在列表中的实例；缩短健康检查间隔或缓存 TTL，或在另一个实例上重试，可以缩小这个窗口。
engine-finding-dead-server = 有 { $calls } 次对 { $name } 的调用（{ $share }%）到达了已崩溃但仍在列表中的实例；异常实例驱逐或缩短健康检查间隔可以缩小这个窗口。
engine-finding-lookup-failed-client = 有 { $calls } 次对 { $name } 的调用因拿不到实例列表而失败（{ $lookups } 次查找失败）；`on_registry_failure: stale_cache` 可以保留上一次的列表。
engine-finding-lookup-failed = 有 { $calls } 次对 { $name } 的调用因拿不到实例列表而失败（{ $lookups } 次查找失败）。
engine-finding-stale-routed = 注册中心对 { $name } 的 { $lookups } 次查找失败；有 { $calls } 次调用继续使用过期的实例列表，并未因此失败。

## SLO 的对象
engine-latency-of-succeeded = 仅统计成功的 { $share } 请求
engine-no-request-succeeded = 没有请求成功
engine-objective-latency = { $percentile } 延迟
engine-objective-error-rate = 错误率
engine-objective-of-succeeded = { $objective }（仅统计成功的 { $share } 请求）
engine-objective-none-succeeded = { $objective }（没有请求成功）
engine-points = { $points } 个百分点
engine-fault-outage-all = 全部副本宕机
engine-fault-outage = { $k } 个副本宕机
engine-fault-latency = 延迟 { $change }
engine-fault-errors = 错误 p={ $p }
engine-fault-partition-fast = 网络分区（快速失败）
engine-fault-partition-hang = 网络分区（挂起）
engine-fault-broker-held = 消息代理宕机（消息保留）
engine-fault-broker-lost = 消息代理宕机（消息丢失）

## 画布上边的标签
engine-label-timeout = 超时 { $t } ms
engine-label-retries = 重试 { $n } 次
engine-label-breaker = 熔断器
engine-label-bulkhead = 舱壁 { $n }
engine-label-fallback = 降级
engine-edge-row-operation = { $base } · 操作 { $op }
engine-edge-row-workload = { $base } · 负载 { $names }
engine-results-rest-on-placeholders = 结果依赖于设计中标记为臆设的 { $count } 个占位值（第一个：{ $first }）：请用实测值替换
engine-broker-has-no-subscriber = 消息代理 { $name } 有发布者但没有订阅者：消息会一直积压
engine-tune-more-replicas = 增加一个副本（{ $before } → { $after }）
engine-tune-more-workers = 每个副本增加一个工作线程（{ $before } → { $after }）
engine-tune-longer-queue = 加长队列（{ $before } → { $after }，不增加成本）
engine-tune-why-burst = { $name } 的队列已满（{ $evidence }），而其工作线程并未用尽：{ $text }。
engine-tune-why-saturated = 饱和：{ $name }（{ $evidence }）：{ $text }。
engine-tune-why-tail-queue = 最慢的请求（p99 及以上）平均在 { $name } 的队列中等待 { $wait }，占其关键路径时间的 { $share }：{ $text }。
engine-tune-why-busiest = 没有节点饱和，可调整的节点上也没有尾部排队；{ $name } 最忙（{ $busy } 忙碌）：{ $text }。
engine-hint-no-budget-no-backoff = 既没有重试预算也没有退避
engine-hint-no-budget = 没有重试预算
engine-hint-no-backoff = 没有退避
engine-hint-retries = { $from } → { $to }：最多尝试 { $attempts } 次，{ $missing }，而所在路径会饱和（{ $node } 有 { $busy } 的时间忙于自身的工作，每次调用 { $amplification } 次尝试）：重试恰在容量不足时增加负载。
engine-hint-threshold-ratio = { $window } 次调用中失败 { $ratio }
engine-hint-threshold-consecutive = 连续失败 { $n } 次
engine-hint-threshold-none = 未设置打开条件
engine-hint-breaker = { $from } → { $to }：熔断器在 { $runs } 次运行中从未打开；其尝试最多有 { $failed } 失败，而它在 { $threshold } 时才打开。
engine-hint-timeout = { $from } → { $to }：超时（{ $timeout }）短于 { $to } 在负载下的 p99.9（{ $p999 }）；{ $timeouts } 次尝试或调用超时。
engine-headroom-unstable-at = 在 { $nodes } 处不稳定
engine-verdict-fail = 未通过
engine-verdict-inconclusive = 无定论
engine-verdict-pass = 通过
engine-headroom-not-passing = { $workload } { $objective }：{ $verdict }
engine-import-subscribes-consumer = { $id } 订阅 { $broker }：它在消费者变量中与另一个工作负载一样写了 `{ $name }`
engine-import-subscribes-uncalled = { $id } 订阅 { $broker }：它与另一个工作负载一样写了 `{ $name }`，且没有谁调用它
engine-import-subscribes-worker = { $id } 订阅 { $broker }：没有谁调用它，是只与消息代理交互的工作进程
engine-import-broker-no-consumer = 警告：{ $broker } 有发布者（{ $list }），但找不到消费者（没有工作负载写同一队列或主题）：请添加订阅，否则消息会不断堆积
engine-import-rule-label = 它的标签 `{ $label }` 如此声明
engine-import-aside = { $id }：{ $phrase }（{ $rule }），已略去：它不在任何请求的路径上，依赖它并不是调用
engine-import-registry-use = { $from } → { $to }：注册中心，用于服务发现，不是每个请求都有的调用
engine-import-entries-roots = 没有对外发布的内容（端口、LoadBalancer/NodePort Service、Ingress）：没有被调用的服务成为入口：{ $entries }
engine-import-no-entry = 找不到入口（发布的端口、LoadBalancer Service、entrypoints）：请添加客户端和工作负载
engine-import-entries = 入口（对外发布）：{ $entries }，由 `{ $client_id }` 提供流量
engine-import-kind = 类型：{ $id } 是{ $kind }，因为{ $rule }
engine-import-kind-service = 类型：{ $ids } 是服务（没有基础设施镜像、环境变量或端口）
engine-import-kind-services = 类型：{ $ids } 是服务（没有基础设施镜像、环境变量或端口）
engine-import-placeholder-times = { $count } 个节点的服务时间是占位值（指数分布，均值 10 ms）：信任运行结果之前请填入实测值
engine-import-first-document = 只读取了第一个 YAML 文档
engine-import-top-level-unmapped = 顶层的 { $keys } 未映射
engine-import-built-no-image = { $svc }：从源码构建，没有镜像：导出前请设置 deployment.image
engine-import-no-image = { $svc }：没有镜像
engine-import-service-unmapped = { $svc }：{ $keys } 未映射
engine-import-registers = { $svc }：向 `{ $registry }` 注册（{ $mode } 发现）
engine-import-health-urls = { $svc }：健康检查 URL（{ $urls }）是探针，不是每个请求都有的调用
engine-import-depends-unknown = { $svc }：依赖 `{ $target }`，但这里没有这个服务
engine-import-isotope-defaults-unmapped = 默认值 { $keys } 未映射
engine-import-isotope-listed-twice = { $name }：列出了两次，第二次已跳过
engine-import-isotope-error-rate = { $name }：errorRate { $v } 不是百分比
engine-import-isotope-sleeps = { $name }：调用之间的休眠已加到服务时间上，服务时间在调用之前运行
engine-import-isotope-call-unknown = { $name }：调用 `{ $target }`，但图中没有它
engine-import-isotope-call-twice = { $name }：多次调用 `{ $target }`；只保留一条边
engine-import-isotope-grpc = gRPC 服务按与 HTTP 相同的调用建模（协议不属于设计的一部分）
engine-import-isotope-response-size = 未建模 responseSize（请求大小成为负载大小）
engine-import-isotope-no-script = { $services } 没有脚本：isotope 立即应答；其服务时间是占位值（默认值，指数分布，均值 10 ms）
engine-import-isotope-not-command = { $service }：脚本步骤 { $cmd } 不是命令
engine-import-isotope-bad-sleep = { $service }：sleep { $value } 不是时长；已略去
engine-import-isotope-call-no-service = { $service }：调用 { $value } 没有指明服务
engine-import-isotope-command-unmapped = { $service }：脚本命令 `{ $other }` 未映射
engine-import-aside-tracing = 追踪代理
engine-import-aside-metrics = 指标代理
engine-import-aside-monitoring = 监控面板
engine-import-aside-admin = 管理面板
engine-import-rule-image = 镜像 `{ $image }` 即 { $preset }
engine-import-rule-port = 它监听 { $p }，这是 { $what } 的常用端口
engine-import-rule-service = 没有基础设施镜像、环境变量或端口
engine-import-rule-service-no-image = 没有镜像，也没有基础设施环境变量或端口
engine-import-rule-image-tool = 镜像 `{ $image }` 以 `{ $tool }` 指明 { $infra_name }：这是围绕它的工具，不在请求路径上
engine-import-rule-name-tool = 没有镜像；它的名称以 `{ $tool }` 指明 { $infra_name }：这是围绕它的工具，不在请求路径上
engine-import-rule-image-word = 镜像 `{ $image }` 中有 `{ $word }`
engine-import-rule-name-word = 没有镜像；它的名称中有 `{ $word }`
engine-import-rule-env = 它的环境变量设置了 `{ $k }`，这是 { $what } 服务器读取的变量
engine-import-rule-env-family = 它的环境变量设置了 { $prefix }*（{ $vars }），但没有服务器地址
engine-import-hpa-no-workload = { $target } 的 HorizontalPodAutoscaler：没有这个工作负载
engine-import-hpa-other-metrics = { $target }：按 CPU 利用率以外的指标自动扩缩未映射
engine-import-hpa-cpu = { $name }：HPA 的 CPU 目标已变为工作线程利用率目标
engine-import-pods-only = 只有裸 Pod（{ $pods }）：每个成为一个单副本节点（没有控制器说明运行多少个）
engine-import-batch-unmapped = 未映射：{ $batch }（批处理作业运行至完成，不在请求路径上）
engine-import-istio-unmapped = 未映射：Istio 对象 { $istio }（路由和策略不会读回设计中）
engine-import-kinds-unmapped = 未映射：{ $other }
engine-import-service-no-selector = Service { $svc_name }：没有选择器（外部端点），未映射
engine-import-service-selects-nothing = Service { $svc_name }：在这些清单中没有选中任何工作负载
engine-import-service-selects-several = Service { $svc_name } 选中了 { $ids }：经由它的调用按副本数比例发往其中之一
engine-import-unnamed-object = 跳过了一个没有名称的 { $object }
engine-import-duplicate-workload = { $id }：命名空间 { $namespace } 中同名的第二个工作负载已跳过
engine-import-name-in-namespaces = { $name } 存在于多个命名空间：{ $namespace } 中的那个是节点 { $id }
engine-import-sidecars = { $id }：只建模第一个容器；边车已略去
engine-import-daemonset = { $id }：DaemonSet 每个节点运行一个 Pod：假定为 1 个副本
engine-import-statefulset-unknown = { $id }：镜像未知的 StatefulSet 按服务建模
engine-import-configmap-missing = { $id }：这些清单中没有 ConfigMap { $cm }
engine-import-secrets-env = { $id }：不读取来自 Secret 的环境变量
engine-import-placeholder-load = 流量是占位值：每秒 { $rate_per_s } 个请求，所选取值使估算中每个节点都低于 ρ { $limit }（最忙：{ $busiest }，ρ { $rho }）
engine-import-placeholder-load-infinite = 流量是占位值：每秒 { $rate_per_s } 个请求；估算找不到有限的负载（{ $busiest }）：请检查循环
engine-import-isotope-one-file = isotope 图只有一个文件：只读取了第一个
engine-import-override-merged = { $file } 已按 Compose 合并覆盖文件的方式合并到之前的文件之上
engine-import-unset-variables = 没有值也没有默认值的变量按 Compose 的做法成为空文本：{ $names }（请在 Compose 文件旁的 .env 文件中设置它们）
engine-import-required-variable = 必需的变量 { $name } 未设置：{ $message }
