# Switchboard 图形界面的简体中文目录：键与英文目录一一对应。
# 单位（ms、s、req/s）和标识符保持原样。术语见 ../glossary.md。

## Languages

language-en = English
language-zh-CN = 简体中文

## Menu bar

menu-file = 文件
menu-edit = 编辑
menu-view = 视图
menu-simulate = 仿真
menu-export = 导出
menu-help = 帮助
menu-export-format = { $format }…
menu-export-svg = 画布导出为 SVG…
menu-export-png = 画布导出为 PNG…
menu-shortcuts = 键盘快捷键
menu-about = 关于 Switchboard
menu-new = 新建
menu-open = 打开…
menu-open-recent = 最近打开
menu-no-recent = 没有最近打开的文件
menu-open-sample = 打开示例
menu-no-samples = 未找到示例
menu-import = 导入…
menu-save = 保存
menu-save-as = 另存为…
menu-in-app-dialog = 始终使用内置文件对话框
menu-in-app-dialog-hint = 桌面没有文件选择器（无 portal）时，Switchboard 使用自己的文件对话框；勾选此项则始终使用它。
menu-quit = 退出
menu-undo = 撤销
menu-redo = 重做
menu-cut = 剪切
menu-copy = 复制
menu-paste = 粘贴
menu-duplicate = 创建副本
menu-delete = 删除
menu-select-all = 全选
menu-rename = 重命名
menu-group = 编组
menu-ungroup = 取消编组
menu-find = 查找…
menu-run = 运行
menu-stop = 停止
menu-results-panel = 结果面板
menu-chaos-timeline = 混沌时间线
menu-compare-sweeps = 对比运行与假设扫描
menu-estimate-note = 节点上的 ρ 标记是即时容量估算；
    运行仿真会实际测量它们（以及更多指标）。
menu-fit-view = 适应窗口
menu-zoom-selection = 缩放到所选
menu-auto-layout = 自动布局
menu-snap = 对齐网格
menu-show-grid = 显示网格
menu-minimap = 小地图
menu-problems-panel = 问题面板
menu-start-panel = 开始面板
menu-theme = 主题
menu-theme-dark = 深色
menu-theme-light = 浅色
menu-language = 语言

## Counts (plural forms)

count-node = { $count } 个节点
count-edge = { $count } 条边
count-workload = { $count } 个负载
count-error = { $count } 个错误
count-warning = { $count } 个警告
count-replication = { $count } 次重复运行
count-slo = { $count } 个 SLO

## Node and edge kinds

kind-service = 服务
kind-gateway = API 网关
kind-database = 数据库
kind-cache = 缓存
kind-broker = 消息代理
kind-client = 客户端
kind-receiver = 信号接收器
kind-registry = 服务注册中心
edge-kind-call = 调用
edge-kind-event = 事件
edge-kind-subscription = 订阅
edge-kind-signal = 信号

## Status bar

status-not-saved = 尚未保存
status-zoom = 缩放 { $percent }%
status-validating = 正在校验
status-validating-hint = 设计较大：校验在后台进行，显示的计数来自上一次校验。
status-hot = { $count } 个偏热或过载
status-uncovered = “{ $name }”含有已安装字体都没有的字符
status-uncovered-hint = 请安装该文字的字体（例如 fonts-noto-cjk、fonts-noto-core）
status-selected = 已选 { $count } 项

## Counts (more)

count-problem = { $count } 个问题

## Dialogs and the shortcut sheet

shortcut-new-open-save = 新建、打开、保存
shortcut-save-as = 另存为
shortcut-undo-redo = 撤销 / 重做
shortcut-copy-cut-paste = 复制、剪切、粘贴（设计 JSON）
shortcut-duplicate = 创建副本
shortcut-quick-add-middle = 在视图中央快速添加组件
shortcut-connect = 将先前选中的节点连接到当前选中的节点
shortcut-add-workload = 添加负载（有客户端时从客户端进入）
shortcut-export = 导出对话框（在其中按 Ctrl+S 保存导出结果）
shortcut-delete = 删除所选内容
shortcut-select-all = 全选
shortcut-rename = 重命名节点
shortcut-group = 编组 / 取消编组
shortcut-find = 查找节点
shortcut-auto-layout = 自动布局
shortcut-fit = 适应窗口
shortcut-zoom-selection = 缩放到所选
shortcut-pan-zoom = 平移 / 以光标为中心缩放
shortcut-box-select = 框选（按住 Shift 追加）
shortcut-pan = 平移
shortcut-connect-drag = 连接到另一个节点
shortcut-quick-add = 快速添加组件
shortcut-no-snap = 移动时不对齐网格
shortcut-clear-selection = 取消选择
shortcut-keys-wheel = 滚轮 / Ctrl+滚轮、双指缩放
shortcut-keys-drag-empty = 拖动空白处
shortcut-keys-middle-drag = 中键或右键拖动、Space+拖动
shortcut-keys-drag-handle = 拖动节点的连接柄
shortcut-keys-double-click = 双击画布空白处
shortcut-keys-alt-drag = 拖动时按住 Alt
shortcut-keys-f2 = F2、双击
shortcut-keys-delete = Delete、Backspace
shortcut-keys-home = Home、Ctrl+0
modal-save-changes = 保存更改？
modal-unsaved = { $name } 有未保存的更改。先保存吗？
modal-save = 保存
modal-dont-save = 不保存
modal-cancel = 取消
modal-error = 出错了
modal-ok = 确定
modal-restore-title = 恢复未保存的工作？
modal-unsaved-design = 一个未保存的设计
modal-restore-body = Switchboard 上次未正常关闭。已保留对 { $from }（“{ $name }”，{ $count } 个节点）的未保存更改。
modal-restore = 恢复
modal-discard = 丢弃
modal-shortcuts = 键盘快捷键
modal-close = 关闭
modal-version = 版本 { $version }
modal-about = 设计、仿真并导出微服务系统。

## Palette entries and presets

palette-service = 服务
palette-service-about = 应用服务：1 个副本 × 1 个 worker，指数分布 10 ms。
palette-gateway = API 网关
palette-gateway-about = 位于服务之前的边缘代理。
palette-database = 数据库
palette-database-about = 数据库。
palette-cache = 缓存
palette-cache-about = 命中率 90 % 的缓存；未命中时沿其出边继续。
palette-broker = 消息代理
palette-broker-about = 消息代理：队列（竞争消费者）或主题（向每个订阅各投递一份）。
palette-registry = 服务注册中心
palette-registry-about = 服务注册中心：服务向它注册实例，客户端发现的调用方从它查询实例。
palette-client = 客户端
palette-client-about = 外部客户端或负载来源；负载从这里进入。
palette-receiver = 信号接收器
palette-receiver-about = 由服务承载的进程内接收器（Django signal）。
preset-django = Django/Flask 服务
preset-django-about = gunicorn sync：2 个副本 × 5 个 worker（2 核上 (2 × 核数) + 1），阻塞式；对数正态 p50 20 ms、p99 150 ms。
preset-async = 异步服务
preset-async-about = tokio/Node.js：2 个副本 × 256 个并发请求，异步；对数正态 p50 5 ms、p99 40 ms。
preset-nginx = nginx 网关
preset-nginx-about = nginx：2 个副本 × 1,024 个连接，异步；对数正态 p50 0.5 ms、p99 3 ms。
preset-envoy = Envoy 网关
preset-envoy-about = Envoy：2 个副本 × 1,024 个连接，异步，最少请求负载均衡；p50 0.5 ms、p99 3 ms。
preset-postgres = Postgres
preset-postgres-about = PgBouncer 之后的 Postgres：连接池 20（default_pool_size）；对数正态 p50 2 ms、p99 20 ms。
preset-mysql = MySQL
preset-mysql-about = MySQL：16 个并发查询；对数正态 p50 1.5 ms、p99 15 ms。
preset-redis = Redis
preset-redis-about = Redis：单线程；对数正态 p50 0.2 ms、p99 1 ms；命中率 90 %。
preset-memcached = Memcached
preset-memcached-about = Memcached：4 个线程（-t 4）；对数正态 p50 0.2 ms、p99 1 ms；命中率 85 %。
preset-kafka = Kafka 主题
preset-kafka-about = Kafka：主题模式，8 个 I/O 线程；acks=all 生产 p50 3 ms、p99 20 ms。
preset-rabbitmq = RabbitMQ 队列
preset-rabbitmq-about = RabbitMQ：队列模式（竞争消费者），4 个调度器；p50 1 ms、p99 10 ms。
preset-nats = NATS
preset-nats-about = NATS：主题模式（subject），p50 0.1 ms、p99 1 ms。
preset-consul = Consul
preset-consul-about = Consul：3 台服务器 × 200 个连接，异步；查询 p50 1 ms、p99 8 ms；端口 8500。
preset-etcd = etcd
preset-etcd-about = etcd：3 个成员 × 256 个流，异步；线性一致读 p50 1 ms、p99 10 ms；端口 2379。
preset-eureka = Eureka
preset-eureka-about = Eureka：2 个对等节点 × 200 个 Tomcat 线程，阻塞式；拉取注册表 p50 2 ms、p99 20 ms；端口 8761。
preset-zookeeper = ZooKeeper
preset-zookeeper-about = ZooKeeper：3 台服务器的集群 × 60 个连接，异步；读 p50 0.5 ms、p99 5 ms；端口 2181。

## Left panel: start and palette

palette-start = 开始
palette-start-hint = 示例与最近打开的文件
palette-title = 组件面板
palette-drag-hint = 拖到画布上，或单击添加。
palette-kinds = 类型
palette-presets = 预设
palette-new-design = 新建设计
palette-open = 打开…
palette-no-samples = 未找到示例：已在程序旁和当前目录中查找 samples/ 文件夹。
palette-samples = 示例
palette-sample-hint = { $description }

    { $count } 个节点 · { $path }
palette-recent = 最近
palette-add = 添加{ $item }

## Canvas menus

canvas-add = 添加
canvas-add-component = 添加组件…
canvas-auto-layout = 自动布局
canvas-connect-to = 连接到
canvas-copy = 复制
canvas-delete = 删除
canvas-duplicate = 创建副本
canvas-fit-to-view = 适应窗口
canvas-group-selection = 将所选编组
canvas-kind = 类型
canvas-paste = 粘贴
canvas-rename = 重命名…
canvas-reverse-direction = 反转方向
canvas-select-all = 全选
canvas-ungroup = 取消编组

## Problems panel

problems-click-one-to-select-the = · 单击某项以选中出问题的对象
problems-problems = 问题
problems-the-design-validates-and-no = · 设计校验通过，且没有偏热节点（ρ ≥ 0.8）

## Find

find-find-a-node-by-name = 按名称查找节点…
find-no-node-matches = 没有匹配的节点

## Canvas

canvas-empty-hint = 从组件面板拖入组件，或在此处双击添加。
    从开始面板打开一个示例，查看完整的设计。

## Inspector

inspector-add-operation = 添加操作
inspector-add-workload = 添加负载
inspector-analytic-no-simulation = （解析估算，非仿真）
inspector-another-node-has-this-name = 另一个节点已使用此名称
inspector-arrivals = 到达率
inspector-async-released-while-waiting = 异步（等待时释放）
inspector-autoscaling = 自动扩缩容
inspector-balancing = 负载均衡
inspector-blocking-sync-workers = 阻塞（同步 worker）
inspector-bounded = 有界
inspector-buffer = 缓冲区
inspector-burst = 突发
inspector-capacity = 容量
inspector-cold-start = 冷启动
inspector-concurrency = 并发模型
inspector-consecutive-errors = 连续错误数
inspector-cpu-request = CPU 请求
inspector-delete = 删除
inspector-deployment = 部署
inspector-description = 描述
inspector-design = 设计
inspector-duplicate = 创建副本
inspector-duration = 时长
inspector-ejection-time = 驱逐时长
inspector-error-probability = 错误概率
inspector-evaluate-every = 评估间隔
inspector-group = 分组
inspector-healthcheck = 健康检查
inspector-hit-ratio = 命中率
inspector-host = 宿主
inspector-image = 镜像
distribution-constant = 常数
distribution-exponential = 指数分布
distribution-uniform = 均匀分布
distribution-gamma = 伽马分布 (mean, cv)
distribution-lognormal = 对数正态分布 (p50, p99)
distribution-empirical = 经验样本
load-overloaded = 过载
load-hot = 偏热
load-calm = 平稳
load-idle = 空闲
inspector-instant-estimate = 即时估算
inspector-kind = 类型
inspector-least-outstanding = 最少未完成请求
inspector-max-ejected = 最大驱逐比例
inspector-max-in-flight = 最大并发请求数
inspector-max-replicas = 最多副本数
inspector-memory-request = 内存请求
inspector-min-replicas = 最少副本数
inspector-mode = 模式
inspector-name = 名称
inspector-no-traffic-yet-add-a = 尚无流量：添加负载后即可看到负载估算。
inspector-no-workers-of-its-own = 没有自己的 worker（运行在宿主上，或是负载来源）。
inspector-nothing-selected-these-are-the = 未选中任何对象：以下是设计本身的设置。
inspector-operations = 操作
inspector-outlier-ejection = 异常实例驱逐
inspector-own-service-time = 自身服务时间
inspector-per-replica = {" "}/副本
inspector-policies = 策略
inspector-port = 端口
inspector-power-of-two-choices = 二选一（power of two）
inspector-preset = 预设
inspector-queue = 队列
inspector-queue-competing-consumers = 队列（竞争消费者）
inspector-queueing = 排队
inspector-random = 随机
inspector-rate = 速率
inspector-rate-limit = 限流
inspector-remove-the-operation = 删除该操作
inspector-replicas = 副本数
inspector-replications = 重复运行次数
inspector-requests = {" "}个请求
inspector-response = 响应
inspector-round-robin = 轮询
inspector-scale-down-wait = 缩容等待
inspector-seed = 随机种子
inspector-service = 服务
inspector-service-time = 服务时间
inspector-simulation = 仿真
inspector-sweep-every = 检测间隔
inspector-target = 目标 ρ
inspector-topic-copy-per-subscription = 主题（每个订阅一份）
inspector-ungroup = 取消编组
inspector-warm-up = 预热
inspector-window = 统计窗口
inspector-worker-held = worker 占用
inspector-workers = worker 数
inspector-workloads = 负载

## Inspector (counts and units)

inspector-multi-selected = 已选 { $nodes } 个节点、{ $edges } 条边
inspector-members = { $count } 个成员
inspector-waiting = {" "}个等待
inspector-messages = {" "}条消息
inspector-bytes = {" "}字节

## Edge and workload inspector

edge-add-workload-entering-here = 添加从此处进入的负载
edge-amplitude = 幅度
edge-arrivals = 到达方式
edge-at = 时刻
edge-at-most = 至多
edge-attempts = 尝试次数
edge-backoff = 退避
edge-bulkhead = 舱壁
edge-calls = {" "}次调用
edge-calls-per-request = 每请求调用次数
edge-cancel-the-callee-s-work = 调用方放弃时取消被调用方的工作
edge-choose = 选择…
edge-circuit-breaker = 熔断器
edge-closed-loop-users = 闭环（按用户数）
edge-concurrency = 并发数
edge-connect = 连接
edge-connections = 连接
edge-consecutive-failures = 连续失败次数
edge-constant = 恒定
edge-consumer = 消费者
edge-default = 默认
edge-delete-edge = 删除边
edge-delete-workload = 删除负载
edge-diurnal = 昼夜周期
edge-entry = 入口
edge-error-rate = 错误率
edge-evenly-spaced = 均匀间隔
edge-every-operation = 所有操作
edge-exponential = 指数
edge-factor = 倍数
edge-failure-ratio = 失败率
edge-fallback = 降级
edge-fallback-latency = 降级延迟
edge-fixed = 固定
edge-for = 持续
edge-from = 起点
edge-group = 分组
edge-half-open-probes = 半开探测数
edge-in-all = {" "}次（总计）
edge-jitter = 抖动
edge-kind = 类型
edge-latency = 延迟
edge-max-concurrent = 最大并发数
edge-max-deliveries = 最大投递次数
edge-messages = {" "}条消息
edge-name = 名称
edge-network-latency = 网络延迟
edge-none = 无
edge-of-calls = 的调用
edge-off-the-callee-finishes-abandoned = 关闭时：被调用方会做完已被放弃的工作，报告将其计为浪费。
edge-open-for = 断开时长
edge-open-loop-rate = 开环（按速率）
edge-operation = 操作
edge-parallel-group = 并行组
edge-payload = 负载大小
edge-per-try-timeout = 单次尝试超时
edge-period = 周期
edge-poisson = 泊松
edge-probability = 概率
edge-process = 到达过程
edge-profile = 流量曲线
edge-ramp = 斜坡
edge-rate = 速率
edge-reaching = 达到
edge-redelivery-delay = 重投延迟
edge-resilience-policy = 弹性策略
edge-retries = 重试
edge-retry-budget = 重试预算
edge-retry-on = 重试条件
edge-robust = 稳健发送
edge-send-robust-errors-do-not = send_robust（错误不向上传播）
edge-sequential = 顺序执行
edge-service-level-objective = 服务等级目标（SLO）
edge-signal = 信号
edge-spike = 尖峰
edge-step = 阶跃
edge-step-order = 步骤顺序
edge-target-operation = 目标操作
edge-think-time = 思考时间
edge-timeout = 超时
edge-to = 终点
edge-to-2 = 至
edge-users = 用户数
edge-weight = 权重
edge-weighted-branch = 加权分支
edge-when-the-broker-is-full = 消息代理已满时
edge-window = 统计窗口
edge-workload = 负载

## Edge inspector (more)

edge-heading = { $kind }边
edge-estimate = 估算：{ $rate } req/s，平均响应约 { $response }

## Service discovery (hints)

discovery-hint-mode = 调用方如何找到该服务的实例：不做服务发现（崩溃的实例仍在轮转中）、经由负载均衡器（服务端发现），或由调用方自己向注册中心查询（客户端发现）。
discovery-hint-registry = 实例注册到的注册中心节点（客户端发现的调用方在那里查询该服务）。
discovery-hint-ttl = 调用方缓存已获取实例列表的秒数，过期后再次询问注册中心。
discovery-hint-on-failure = 查询失败时调用方的做法：继续按上一次的列表路由，或让调用失败。
discovery-hint-interval = 注册中心对每个实例做健康检查的间隔秒数。
discovery-hint-failures = 连续检查失败多少次后，注册中心将该实例从列表中移除。
discovery-hint-dead = 发往已崩溃但仍在列表中的实例的调用会怎样：立即被拒绝，或挂起直到调用方超时。

## Service discovery

discovery-add-a-consul-registry-next = 在此服务旁添加 Consul 注册中心
discovery-adds-a-consul-node-beside = 在服务旁添加一个 Consul 节点并将服务注册到其中（可一步撤销）。
discovery-cache-ttl = 缓存 TTL
discovery-dead-instance = 失效实例
discovery-discovery = 服务发现
discovery-fail-the-call = 调用失败
discovery-failures-before-removal = 移除前的失败次数
discovery-hangs-until-timeout = 挂起直到超时
discovery-health-check-every = 健康检查间隔
discovery-mode = 模式
discovery-no-registry-nodes-in-the = 设计中没有注册中心节点。
discovery-no-service-registers-here-yet = 尚无服务在此注册：请在某个服务的“服务发现”部分选择此注册中心。
discovery-off-a-crashed-replica-stays = 关闭时：崩溃的副本会一直留在负载均衡器的轮转中，直到恢复。
discovery-on-registry-failure = 注册中心故障时
discovery-pick-the-registry-callers-look = 选择调用方查询此服务所用的注册中心。
discovery-refused-at-once = 立即拒绝
discovery-registered-services = 已注册的服务
discovery-registry = 注册中心
discovery-select-this-service = 选中此服务
discovery-the-platform-s-own = （平台自带）
discovery-use-the-stale-cache = 使用过期缓存

## Distributions

dist-coefficient-of-variation-standard-deviation = 变异系数：标准差 / 均值。1 即指数分布。
dist-cv = CV
dist-max = 最大值
dist-mean = 均值
dist-min = 最小值
dist-ms-comma-separated = ms，以逗号分隔
dist-no-plot-for-these-values = 这些取值无法绘图
dist-samples = 样本
dist-type = 类型
dist-value = 取值

## Chaos timeline

timeline-a-named-set-of-workload = 一组具名的负载速率与故障
timeline-add = 添加
timeline-add-fault = 添加故障
timeline-all-replicas = 全部副本
timeline-delete = 删除
timeline-delete-fault = 删除故障
timeline-delete-scenario = 删除场景
timeline-down = {" "}个宕机
timeline-drag-a-bar-to-move = · 拖动条块可移动，拖动两端可调整长度，右键删除
timeline-end = 结束
timeline-error-probability = 错误概率
timeline-fail-fast = 快速失败
timeline-faults-of = 故障所属
timeline-hang = 挂起
timeline-lose-buffered-messages = 丢失缓冲中的消息
timeline-new-scenario = 新建场景
timeline-no-faults-add-one-above = 没有故障：请在上方添加（宕机、延迟、错误、网络分区、消息代理宕机）。
timeline-on = 作用于
timeline-rate = 速率 ×
timeline-set-this-workload-s-rate = 设置此负载在该场景中的速率
timeline-start = 开始
timeline-the-design = 设计本身

## Chaos timeline (more)

timeline-scenario = 场景 { $name }
fault-kind-outage = 宕机
fault-kind-latency = 延迟
fault-kind-errors = 错误
fault-kind-partition = 网络分区
fault-kind-broker-outage = 消息代理宕机
discovery-mode-none = 无
discovery-mode-server = 服务端发现
discovery-mode-client = 客户端发现

## Export dialog

export-close = 关闭
export-conversion-report = 转换报告
export-copy-to-clipboard = 复制到剪贴板
export-everything-in-the-design-was = 设计中的所有内容都已转换。
export-export-design = 导出设计
export-emulate = 仿真：每个节点运行 switchboard serve-node，另加负载生成器
export-emulate-hint = 用于真实集群：镜像用项目根目录的 Dockerfile 生成，设计从配置挂载（见 README“Emulating across processes and on a cluster”一节）
export-format = 格式

## In-app file dialog

files-cancel = 取消
files-file = 文件
files-folder = 文件夹
files-format = 格式
files-home = 主目录
files-json = JSON
files-keep-it = 保留
files-no-file-chosen = 未选择文件
files-no-matching-files-here = 这里没有匹配的文件。
files-parent-folder = 上级文件夹
files-replace = 替换
files-yaml = YAML

## Import

import-everything-in-the-file-was = 文件中的所有内容都已映射。
import-ok = 确定

## Run bar

run-as-drawn = 按设计图
run-duration = 时长
run-press-run-f5-to-simulate = 按“运行”（F5）开始仿真。
run-rate-scale = 速率倍数
run-replications = 重复次数
run-run = ▶ 运行
run-scenario = 场景
run-seed = 随机种子
run-simulate-the-design-f5 = 仿真此设计（F5）
run-stop = ■ 停止
run-stop-the-run-esc = 停止运行（Esc）
run-stopped = 已停止。
run-warm-up = 预热

## Runs

run-simulation-stopped = 仿真已停止
run-the-design-cannot-be-simulated = 此设计无法仿真：请查看问题面板

## Notices

app-add-a-client-or-a = 请先添加客户端或服务：负载需要一个入口节点
app-exported-the-canvas-as-png = 已将画布导出为 PNG
app-nothing-to-paste = 没有可粘贴的内容
app-nothing-to-redo = 没有可重做的操作
app-nothing-to-undo = 没有可撤销的操作
app-select-a-node-then-another = 先选中一个节点，再选中另一个，即可将前者连接到后者
app-the-clipboard-does-not-hold = 剪贴板中不是设计 JSON

## File chooser

chooser-a-file-dialog-is-already = 已有一个文件对话框打开
chooser-no-file-chosen = 未选择文件

## Export, file dialog and import (with values)

export-design-errors = ⚠ 设计中有 { $errors }（见问题面板）：此导出结果可能无法按设计图部署。命令行除非强制，否则会拒绝导出。
export-cannot = 此设计无法导出为 { $format }。
export-preview-cut = 预览只显示 { $total } 行中的前 { $shown } 行；复制和保存使用完整文本。
export-report-notes = 转换报告（{ $count } 条说明）
files-replace-confirm = { $path } 已存在。要替换吗？
import-failed = 无法导入 { $path }。

    { $error }
import-notice = 已导入 { $source }（{ $format }）
import-title = 已导入 { $source }
import-read-as = 按 { $format } 读取：{ $nodes } 个节点、{ $edges } 条边，已自动布局。设计尚未保存。
import-not-mapped = 转换说明：节点类型、哪些成为调用、占位值、未映射的内容（{ $count }）
run-cannot = 此设计无法仿真（{ $problems }，见下方）。
run-failed = 仿真失败：{ $error }
chooser-exported = 已将 { $what } 导出到 { $path }
app-saved = 已保存 { $path }
app-autosave-failed = 自动保存失败：{ $error }

## Errors

error-open-design = 无法打开设计。

    { $error }
error-open-sample = 无法打开示例。

    { $error }
error-save = 无法将设计保存到 { $path }。

    { $error }
error-file-dialog = 无法显示文件对话框：{ $error }
error-file-dialog-closed = 文件对话框未给出结果就关闭了。
error-export = 无法将 { $what } 导出到 { $path }。

    { $error }

## Export targets named in notices

what-canvas-svg = 画布（SVG）
what-run = 本次运行结果

## Results: compare and sweeps

command-no-node = 没有 id 为 { $id } 的节点
command-id-in-use = id { $id } 已被使用
command-node-needs-name = 节点需要一个名称
command-name-in-use = 名称 { $name } 已被使用
command-no-edge = 没有 id 为 { $id } 的边
command-group-needs-name = 分组需要一个名称
command-workload-name-in-use = 负载名称 { $name } 已被使用
command-no-workload = 没有名为 { $name } 的负载
command-no-scenario = 没有名为 { $name } 的场景
command-scenario-needs-name = 场景需要一个名称
command-scenario-name-in-use = 场景名称 { $name } 已被使用
document-sample-copy = { $name } — 示例
export-save-file = 保存 { $file }…
compare-axis-rate-scale = 速率倍数
compare-axis-replicas = 副本数
import-too-large = { $file } 大于 { $limit } MiB
compare-metric-throughput = 吞吐量，req/s
compare-metric-error-rate = 错误率
compare-metric-p50 = p50，ms
compare-metric-p99 = p99，ms
compare-metric-p999 = p99.9，ms
compare-baseline = 基线
compare-beyond-the-intervals = 超出置信区间
compare-each-point-is-a-full = 每个点都是按设计设置完整运行一次；图中显示最差的 p99 与错误率。
compare-from = 从
compare-met = 满足
compare-no-runs-yet-press-run = 尚无运行：请按“运行”（F5）。然后将某次运行固定为基线，修改设计后再运行一次。
compare-offered-load-rate = 施加负载（速率 ×）
compare-pin-a-run-change-the = 固定一次运行，修改设计或运行设置后再运行：差异会显示在这里，并在图中以虚线表示。
compare-point-in-progress = 个点进行中
compare-points = 个点
compare-replicas-of = 副本数：
compare-run-sweep = ▶ 运行扫描
compare-stop-sweep = ■ 停止扫描
compare-to = 到
compare-unpin = 取消固定
compare-unstable = 不稳定
compare-violated = 违反
compare-what-if-sweep = 假设扫描
compare-within-noise = 在噪声范围内
compare-yes = 是

## Results: service discovery

results-discovery-1-add-a-service-registry = 1. 从组件面板添加服务注册中心（Consul、etcd、Eureka 或 ZooKeeper）。
results-discovery-2-select-a-service-in = 2. 选中一个服务；在检查器的“服务发现”部分选择服务端发现或客户端发现，以及一个注册中心。
results-discovery-3-add-a-crash-fault = 3. 在该服务上添加崩溃故障（混沌时间线）以观察剔除，然后再运行一次（F5）。
results-discovery-client-side-callers-cache-the = 客户端发现的调用方会缓存实例列表：错误会持续剔除时间再加上最多一个 TTL。
results-discovery-no-service-in-this-run = 本次运行中没有服务使用服务发现。
results-discovery-this-run-has-no-service = 本次运行没有服务发现；设计现在用到了它：请再运行一次（F5）查看相关数据。
results-discovery-to-see-how-callers-find = 要查看调用方如何找到实例、崩溃的实例会在列表中保留多久：

## Results: explanation

explain-amber-queueing-blue-service-grey = 琥珀色：排队 · 蓝色：服务 · 灰色：网络。按尾部 trace 的关键路径汇总。
explain-select-the-node-on-the = 在画布上选中该节点
explain-show = 定位

## Results: export

results-export-export = 导出
results-export-no-results-to-export-run = 没有可导出的结果：请先运行设计

## Results: faults

faults-its-effect-did-not-show = 其影响没有在任何节点上显现。
faults-measured-against-a-run-of = 与相同随机种子、不含该故障的运行对比：差异即该故障造成的影响。
faults-reached-earliest-first = 波及的节点（按时间先后）：
faults-select-the-fault-s-node = 在画布上选中该故障的节点
faults-select-the-node = 选中该节点
faults-show = 定位
faults-what-each-fault-did = 每个故障的影响

## Results: goodput

load-goodput = 有效吞吐量
load-goodput-and-throughput = 有效吞吐量与吞吐量
load-of-which-in-full = 其中完整成功
load-offered = 施加负载
load-throughput = 吞吐量
load-wasted-work = 浪费的工作

## Results panel

results-canvas-overlay = 画布叠加显示
results-hide-the-results-view-results = 隐藏结果（视图 → 结果面板可重新显示）
results-no-results-yet-press-run = 尚无结果：按“运行”（F5）仿真此设计。
results-stale-the-design-changed-since = ⚠ 已过期：此次运行后设计已更改。请再运行一次（F5）以更新数据。

## Results: plots

plots-busiest = 最繁忙
plots-gaps-in-a-latency-line = · 延迟曲线中的空缺：这些窗口内该负载没有成功的请求，因此没有可绘制的延迟
plots-no-time-series-in-this = 此报告中没有时间序列：运行时长短于一个统计窗口。
plots-nodes = 节点：
plots-pick = 选择…

## Results: summary

summary-errors = 错误
summary-goodput = 有效吞吐量
summary-latency = 延迟
summary-outcomes = 结果
summary-success = 成功率
summary-the-design-has-no-workloads = 设计中没有负载：请在检查器中添加负载以产生流量。

## Results: tables

tables-sort-by-this-column = 按此列排序
tables-the-design-has-no-message = 设计中没有消息代理。

## Results: traces

traces-no-traces-were-sampled-in = 本次运行没有采样到 trace。

## Results (with values)

compare-pinned = 运行 { $run } 已固定
compare-pin = 将运行 { $run } 固定为基线
compare-baseline-is = 基线：运行 { $run }
compare-against = 运行 { $run } 与基线 { $base } 对比：
compare-against-designs = “{ $design }”的运行 { $run } 与“{ $base-design }”的基线 { $base } 对比：
explain-tail = 最慢的 { $count } 个采样请求把时间花在哪里
explain-share = { $share } %（排队 { $queue } ms，服务 { $service } ms，网络 { $network } ms）
faults-what = { $target } 上的{ $what }，{ $start }–{ $end } s
faults-error-rate = 错误率 { $rate } %：其中 { $points } 个百分点由该故障造成（深色）
load-in-full = { $rate } req/s（其余经降级兜底）
load-wasted-share = 占忙碌时间的 { $share } %
results-of = { $caption } 的结果
results-run = 运行 { $run }
plots-showing-busiest = 显示最繁忙的 { $count } 个
plots-dashed-baseline = · 虚线：基线 { $run }
summary-settings = { $design }：仿真 { $duration } s（预热 { $warmup } s），随机种子 { $seed }，{ $replications }，速率 ×{ $scale }，{ $events } 个事件，置信区间方法 { $ci }
summary-unstable = ⚠ 不稳定：{ $reasons }
summary-conservation = 守恒校验：{ $violations }
summary-slo = { $objective }：{ $measured }（目标 { $target }）
summary-latency-population = { $population }（失败请求没有延迟）
traces-sampled = 采样请求（{ $count } 个，最慢的在前）
traces-reason = 采样原因：{ $reason }
traces-waterfall = { $workload } — 端到端 { $latency } ms，到达于 { $start } s

## Results overlay, export menu and more

overlay-whole-run = 整个运行
overlay-window-at = { $start } s 处的窗口
overlay-utilization = 利用率 ρ { $rho }
overlay-queue = 队列 { $queue }（整个运行中最大 { $max }）
canvas-detail-client = 客户端
canvas-detail-queue = 队列
canvas-detail-topic = 主题
canvas-detail-hit = 命中 { $percent }%
canvas-detail-blocking = 阻塞
canvas-detail-async = 异步
overlay-error-badge = 错误 { $percent }%
overlay-throughput = { $rate } ok/s · p99 { $p99 } ms
overlay-times = 等待 { $wait } ms · 服务 { $service } ms · 下游 { $downstream } ms
overlay-outcomes = { $errors } 个错误 · { $timeouts } 个超时 · { $rejected } 个被拒绝（失败 { $failed } %）
overlay-replay = 逐个窗口回放本次运行
overlay-all = 全部
overlay-show-whole = 显示整个运行
results-export-json = 报告（JSON）…
results-export-csv = 时间序列（CSV）…
results-export-html = HTML 报告…
results-discovery-hint = “发往失效实例的调用”是指发往已崩溃、但注册中心仍在列出（或客户端发现时调用方缓存列表中仍存在）的实例的调用。“崩溃→剔除”是注册中心的健康检查将其移除所用的时间。
error-save-sample = 无法将设计保存到 { $path }。

    那是 Switchboard 自带的示例，需保持原样：请将副本保存到别处。

## Run bar (progress)

run-showing = 显示“{ $design }”的运行 { $run }
run-showing-stale = 显示“{ $design }”的运行 { $run }（已过期：设计已更改）
run-progress-replication = 第 { $now }/{ $asked } 次重复运行
run-progress-then = 第 { $now }/{ $asked } 次重复运行，之后再运行 { $runs } 次不含故障的仿真以测量故障的影响
run-progress-fault-runs = 不含故障的仿真第 { $now }/{ $total } 次，用于测量故障的影响

## Result table columns

col-amplification = 放大倍数
col-attempts = 尝试
col-backlog-max = 最大积压
col-backlog-mean = 平均积压
col-blocked = 阻塞
col-breaker-opens = 熔断次数
col-broker = 消息代理
col-bulkhead = 舱壁
col-cache-hit-pct = 缓存命中 %
col-call-timeouts = 调用超时
col-calls = 调用
col-calls-to-dead = 发往失效实例
col-crash-to-eviction-max = 崩溃→剔除 最大
col-crash-to-eviction-mean = 崩溃→剔除 平均
col-crashes = 崩溃
col-delay-p50-ms = 延迟 p50 ms
col-delay-p99-ms = 延迟 p99 ms
col-delivered = 已投递
col-dlq = 死信
col-dropped = 丢弃
col-edge = 边
col-ejections = 驱逐次数
col-errors = 错误
col-evictions = 剔除
col-fail-fast = 快速失败
col-failed-calls = 失败调用
col-failed-for-no-list = 无列表而失败
col-fallbacks = 降级
col-in-flight = 处理中
col-kind = 类型
col-lag-max-ms = 最大滞后 ms
col-lookup-failures = 查询失败
col-lookups = 查询
col-lookups-per-s = 查询/s
col-lost = 丢失
col-mode = 模式
col-node = 节点
col-ok-per-s = 成功/s
col-p50-ms = p50 ms
col-p99-ms = p99 ms
col-published = 已发布
col-queue-max = 最大队列
col-queue-mean = 平均队列
col-redelivered = 重投
col-registry = 注册中心
col-rejected = 拒绝
col-replicas-max = 最大副本数
col-replicas-mean = 平均副本数
col-rho = ρ
col-service = 服务
col-service-ms = 服务 ms
col-stale-routed = 按过期列表路由
col-time-open = 断开时长
col-timeouts = 超时
col-try-timeouts = 单次超时
col-wait-ms = 等待 ms
col-wasted-pct = 浪费 %
col-wasted-s = 浪费 s

## Results tabs and verdict

tab-summary = 概要
tab-why = 原因
tab-plots = 图表
tab-nodes = 节点
tab-edges = 边
tab-brokers = 消息代理
tab-discovery = 服务发现
tab-traces = 链路追踪
tab-compare = 对比
tab-chaos = 混沌时间线
verdict-unstable = 不稳定：队列无限增长
verdict-fail = 未通过：{ $slos } 中有 { $failed } 个未达成（{ $list }）
verdict-inconclusive = { $slos } 无法判定
verdict-no-slos = 稳定；没有需要检查的 SLO
verdict-all-met = 全部 { $slos } 均已达成；稳定
results-restore-size = 还原大小
results-restore-hint = 把空间还给画布
results-maximise = 最大化
results-maximise-hint = 用整个窗口显示结果

## File dialogs and import (more)

edge-when-full-drop = 丢弃消息
edge-when-full-error = 让发布方失败
edge-when-full-block = 阻塞发布方
files-title-open = 打开设计
files-title-import = 导入 Compose、Kubernetes 或 isotope 文件
files-title-save = 保存设计
files-title-export = 导出
files-cannot-list = 无法列出 { $path }：{ $error }
files-type-a-name = 请输入文件名或选择一个文件。
files-does-not-exist = { $path } 不存在。
files-folder-does-not-exist = 文件夹 { $path } 不存在。
import-format-kubernetes = Kubernetes 清单
import-format-isotope = Istio isotope 服务图

## Discovery, export notes and canvas (more)

discovery-eviction-server = 崩溃的实例平均约 { $mean } 后被剔除。
discovery-eviction-client = 崩溃的实例平均约 { $mean } 后被剔除（客户端发现的调用方另加最多 { $ttl } 的 TTL）。
discovery-pick-registry = （选择注册中心）
discovery-not-a-registry = ⚠ { $name }（不是注册中心）
export-copied = 已将 { $count } 行复制到剪贴板
export-note-unsupported = 无法表达，已省略
export-note-placeholder = 占位符
export-note-approximated = 近似处理
export-note-renamed = 已重命名
export-note-mapped = 已映射
canvas-connect-from = 从 { $name } 连接

## Discovery links and totals, fault impact, load verdict

link-registers = { $service } 注册到 { $registry }（{ $how }）
link-client = 客户端查询，TTL { $ttl }
link-server = 服务端发现：由负载均衡器在已列出的实例间路由
discovery-totals = { $services } 个已发现的服务 · { $crashes } 次崩溃 · { $evictions } 次剔除 · { $dead } 次调用发往失效实例
discovery-slowest = {" "}· 最慢剔除 { $time }
faults-impact = { $workload }：错误率 { $rate } %（无此故障时 { $rate-without } %）：其中 { $points } 个百分点由该故障造成 · p99 { $p99 } ms（无此故障时 { $p99-without } ms，{ $p99-diff } ms）· 平均 { $mean } ms（无此故障时 { $mean-without } ms）
faults-reach-slower = 自 { $at } s 起变慢（+{ $after } s）
faults-reach-failing = 自 { $at } s 起出错（+{ $after } s）
load-waste = 施加的请求中只有 { $answered } % 得到应答，而各节点每个请求要处理 { $visits } 次访问，并把 { $wasted } % 的忙碌时间花在没人等待的工作上
load-retries = ；{ $calls } 次调用中重试 { $retried } 次
load-storm = ：重试风暴 —— 吞吐量上升，有效吞吐量却崩塌。
load-end = 。

## Native file dialogs, sweeps and captions

native-designs = 设计文件
native-all-files = 所有文件
native-json-design = JSON 设计
native-yaml-design = YAML 设计
sweep-error = 此设计无法仿真：请查看问题面板
results-caption = “{ $design }”的运行 { $run }
results-caption-stale = “{ $design }”的运行 { $run }（此后设计已更改）
sweep-col-point = 点
sweep-col-ok = 成功/s
sweep-col-worst-p99 = 最差 p99，ms
sweep-col-errors = 错误
sweep-col-stable = 稳定
sweep-col-slos = SLO

## Plot axes and legends

axis-latency-ms = 延迟，ms
axis-requests-s = 请求/s
axis-utilization = 利用率 ρ
axis-queue-length = 队列长度
axis-broker-backlog-messages = 消息代理积压，消息数
axis-goodput-requests-s = 有效吞吐量，请求/s
axis-throughput-node-visits-s = 吞吐量，节点访问/s
axis-breaker-state = 熔断器状态
axis-tries-per-call = 每次调用的尝试次数
axis-replicas-serving = 在服务的副本数
axis-consumer-lag-ms = 消费者滞后，ms
axis-simulated-time = 仿真时间，s
legend-offered-mean = 施加负载（均值）
legend-goodput = 有效吞吐量（应答/s）
legend-failed = 失败/s
legend-throughput-visits = 吞吐量（访问/s，含重试）
axis-errors-pct = 错误，%
legend-error-rate = 错误率
legend-points = 数据点

## Plot axes (sweeps)

legend-worst-p99 = 最差 p99

## Plot legends (per workload)

legend-p99-baseline = { $workload } p99（基线）
legend-failed-per-s = { $workload } 失败/s
legend-ok-baseline = { $workload } ok/s（基线）

## Result cards (outcomes and load)

load-goodput-text = { $rate } req/s（占施加负载的 { $share } %）
load-throughput-text = { $rate } 次节点访问/s（每请求 { $visits } 次）
outcome-ok = { $count } 成功
outcome-degraded = { $count } 降级
outcome-error = { $count } 错误
outcome-timeout = { $count } 超时
outcome-rejected = { $count } 被拒绝
outcome-in-flight = { $count } 处理中
outcome-no-failures = 无失败

## Verdicts, comparisons, traces and run progress

verdict-pass = 通过
verdict-fail-badge = 未通过
verdict-inconclusive-badge = 无法判定
diff-col-workload = 负载
diff-col-figure = 指标
diff-col-before = 之前
diff-col-after = 之后
diff-col-change = 变化
trace-segment-network = 网络
trace-segment-queue = 排队
trace-segment-service = 服务
trace-segment-downstream = 下游
trace-segment-network-back = 返回网络
trace-kind-entry = 入口
trace-kind-call = 调用
trace-kind-signal = 信号
trace-kind-publish = 发布
trace-kind-delivery = 投递
trace-kind-lookup = 注册中心查询
trace-outcome-ok = 成功
trace-outcome-degraded = 降级
trace-outcome-error = 错误
trace-outcome-timeout = 超时
trace-outcome-rejected = 被拒绝
trace-outcome-in-flight = 处理中
traces-random-tag = {" "}· 随机
plot-warm-up = 预热
discovery-mode-client-side = 客户端发现
discovery-mode-server-side = 服务端发现
traces-span-tip = { $name }：入站网络 { $net-in } ms，排队 { $queue } ms，服务 { $service } ms，下游 { $downstream } ms，出站网络 { $net-out } ms，{ $outcome }
breaker-line = { $edge } · 断开 { $open } s（{ $share } %），断开 { $count } 次
run-progress = 已仿真 { $done } / { $total } s · { $what }
run-progress-left = 已仿真 { $done } / { $total } s · { $what } · 剩余 { $left }
discovery-server-side = 服务端发现
discovery-client-ttl = 客户端发现，TTL { $ttl }
discovery-need-registry-client = 客户端发现需要一个注册中心节点，而设计中还没有。
discovery-need-registry-server = 还没有注册中心节点：服务端发现将使用平台自带的机制（Kubernetes endpoints、DNS）。
inspector-no-host = （无）
files-save = 保存
files-open = 打开
results-run-baseline = { $run }（基线）
results-discovery-platform = （平台）

## 成本 (#19)
inspector-cost = 成本
cost-per-month = 每月 { $amount }
cost-unpriced = 未定价（无 CPU 或内存请求，也无月价）
cost-no-requests = 没有完成的请求
summary-cost = 成本：每月 { $month }，每百万请求 { $million }（价格表 { $table }）
summary-cost-unpriced = 未定价（不计入）：{ $nodes }

## 容量调优与余量 (#19)
menu-rightsize = 容量调优…
menu-headroom = 负载余量…
rightsize-title = 容量调优
headroom-title = 负载余量
rightsize-running = 搜索中：已运行 { $runs } 次，最多 { $max } 次
rightsize-cancel = 取消
rightsize-close = 关闭
rightsize-cancelled = 已取消。
rightsize-no-slos = 该设计没有 SLO：搜索需要可以满足的 SLO。
rightsize-passed = 已找到满足全部 SLO 的最少副本数（运行 { $runs } 次）。
rightsize-not-passed = 在 { $runs } 次运行内没有配置满足全部 SLO（无法判定的结论按未满足计）。
rightsize-no-cost = 未定价
rightsize-node = 节点
rightsize-replicas = 副本数
rightsize-node-cost = 每月成本
rightsize-total = 合计
rightsize-stale = 搜索之后设计已更改：请重新运行后再应用。
rightsize-apply = 应用
rightsize-nothing-to-change = 设计已是这些副本数。
rightsize-plot = 尝试过的候选：成本与 p99
rightsize-no-cost-plot = 该设计没有成本设置：无成本可绘制。
rightsize-vary = 可调整：
rightsize-vary-replicas = 副本
rightsize-vary-workers = 工作线程
rightsize-vary-queue = 队列
rightsize-vary-workers-hint = 每个节点都需要 cost.cpu_millicores_per_worker：工作线程的成本就是它的 CPU。
rightsize-scenarios = 必须通过的场景：
rightsize-no-scenarios = 按设计原样（设计中没有场景）
rightsize-start = 开始搜索
rightsize-nothing-to-vary = 请至少选择一项可调整的内容。
rightsize-no-worker-cpu = { $node } 没有每个工作线程的 CPU（cost.cpu_millicores_per_worker）：请设置它，或不调整工作线程。
rightsize-workers = 工作线程
rightsize-queue = 队列
rightsize-scenario = 场景 { $name }：
rightsize-steps = 每一步的原因（{ $count }）
rightsize-hints = 弹性提示（均未应用）
rightsize-no-hints = 在这些运行中，没有调用策略对设计不利。
axis-cost-per-month = 每月成本
axis-p99-ms = p99（毫秒）
axis-rate-scale = 速率倍数
axis-error-rate = 错误率（%）
legend-tried = 已尝试
legend-pareto = 帕累托前沿
legend-passing = 满足全部 SLO
headroom-scale = 最高通过倍数
headroom-interval = 区间（通过 .. 未通过）
headroom-estimate = 点估计
headroom-offered = 该处的负载
headroom-saturates-first = 最先饱和
headroom-analytic = 容量估算的饱和倍数
headroom-runs = 运行次数
headroom-first-failing = 最先未满足：{ $slos }
headroom-first-unstable = 最先的失败：运行不稳定（队列无限增长）。
headroom-cap-hit = 区间收敛之前已达到运行次数上限。
headroom-plot = p99 与错误率随速率倍数的变化

## 文件 → 导入链路追踪 / 指标（校准）
menu-calibrate = 导入链路追踪 / 指标…
files-title-telemetry = 导入链路追踪或指标
calibrate-no-data = 文件中没有可用于校准的跨度或指标。
calibrate-failed = 无法从 { $path } 校准：{ $error }
calibrate-worker-stopped = 校准意外中止
calibrate-design-changed = 校准期间设计已被修改；请重新导入该文件。
calibrate-applied = 已根据遥测数据更新设计：{ $count } 处更改（一步撤销）
calibrate-running = 正在从 { $source } 校准…
calibrate-title = 从 { $source } 校准
calibrate-read = { $traces } 条链路中的 { $spans } 个跨度，历时 { $seconds } 秒
calibrate-changes = 更改（{ $count }）
calibrate-not-inferred = 无法推断（{ $count }）
calibrate-fit = 各服务自身耗时：数据与拟合对比
calibrate-no-fit = 此数据中没有服务耗时。
calibrate-fit-figures = { $samples } 个样本，p50 { $p50 } 毫秒，p99 { $p99 } 毫秒，KS 距离 { $ks }
calibrate-kept-lognormal = 采用：经过 p50 和 p99 的对数正态分布。
calibrate-kept-empirical = 采用：经验分布（对数正态分布不拟合）。
calibrate-axis-ms = 自身耗时（毫秒）
calibrate-axis-cdf = 请求占比
calibrate-data = 数据
calibrate-lognormal = 对数正态
calibrate-update = 更新当前设计
calibrate-update-hint = 将列出的所有更改应用到当前设计，作为一步撤销。
calibrate-open-new = 作为新设计打开
calibrate-cancel = 取消

## 仿真运行（#17）
tab-emulation = 实机仿真
emulate-emulate = ▶ 实机仿真
emulate-hint = 在本机（127.0.0.1）把设计作为真实的 HTTP 服务运行，驱动其负载，然后将测得的结果与模拟器比较
emulate-stop = ■ 停止仿真
emulate-stop-hint = 停止负载：已测得的结果仍会显示
emulate-progress = 已仿真 { $done } / { $total } 秒 · 已发送 { $sent } · 已应答 { $answered }
emulate-simulating = 正在模拟同一时间窗口以便比较…
emulate-starting = 正在启动服务并测量计时器…
emulate-none-yet = 尚未仿真：按 ▶ 实机仿真，把设计作为真实服务运行，并与模拟器比较。
emulate-failed = 仿真失败：{ $error }
emulate-copied = 已复制 { $url }
emulate-refused = 仿真器暂时无法运行此设计：
emulate-refused-simulate = 模拟器可以运行它：按运行（F5）。
emulate-missing-autoscaling = 尚不支持仿真通过服务发现访问的节点或信号接收者的自动扩缩容
emulate-missing-fault = 该故障没有仿真器可作用的目标，因此也不进行仿真
emulate-header = 正在仿真“{ $design }” · 时间缩放 ×{ $scale } · 计时器平均迟到 { $late } 毫秒（已从每次休眠中扣除）
emulate-live = 最近半秒：{ $throughput } 请求/秒，平均 { $mean } 毫秒 · 已发送 { $sent } · 已应答 { $answered } · 进行中 { $inflight } · 失败 { $failed }
emulate-plot-throughput = 每秒成功请求数
emulate-plot-latency = 平均延迟（毫秒）
emulate-ports-hint = 负载运行期间，每个节点监听各自的端口，任何 HTTP 工具都可以调用它。点击网址即可复制。
emulate-node = 节点
emulate-url = 网址（POST）
emulate-metrics-url = 指标（Prometheus）
emulate-click-to-copy = 点击复制
emulate-measured = 预热之后测量了 { $window } 秒（负载共 { $ran } 秒，模型时间）。
emulate-measured-stopped = 负载运行 { $ran } 秒后停止：结果涵盖预热之后的 { $window } 秒。
emulate-no-window = 在预热结束前停止：没有可比较的测量结果。
emulate-comparison-cancelled = 在模拟期间停止：没有比较结果。
emulate-comparison-failed = 用于比较的模拟失败：{ $error }
emulate-part = 部分
emulate-figure = 指标
emulate-measured-col = 测得
emulate-simulated-col = 模拟（± 95% 置信区间）
emulate-difference = 差异
emulate-metric-throughput = 吞吐量
emulate-metric-mean = 平均延迟
emulate-metric-p50 = p50
emulate-metric-p99 = p99
emulate-metric-errors = 错误率
emulate-scope-workload = 负载
emulate-scope-node = 节点
emulate-scope-edge = 边
emulate-scope-broker = 消息代理
emulate-scope-discovery = 服务发现
emulate-scope-replicas = 副本
emulate-replicas-mean = 运行中的副本数（平均）
emulate-discovery-lookups = 注册中心查询
emulate-discovery-eviction = 崩溃到摘除（平均）
emulate-discovery-dead = 发往失效实例的调用
emulate-broker-consumed = 已消费消息
emulate-broker-delay-mean = 发布到消费的平均延迟
emulate-broker-delay-p50 = 延迟 p50
emulate-broker-delay-p99 = 延迟 p99
emulate-broker-dead-lettered = 死信占比
emulate-legend = 差异：
emulate-legend-within-ci = 落在模拟的置信区间内
emulate-legend-close = 在 { $pct }% 以内
emulate-legend-far = 在 { $pct }% 以内
emulate-legend-beyond = 超过 { $pct }%
emulate-stopped = 仿真已停止：已测得的结果显示在结果中
emulate-finished = 仿真完成：测得与模拟的对比显示在结果中
export-collapse-groups = 折叠分组
export-collapse-groups-hint = 每个分组画成一个节点，分组之间的边合并：用于超过 Mermaid 500 条边上限的设计
import-add-file = 添加文件…
import-add-file-hint = 添加一个 Compose 覆盖文件（合并到之前的文件之上）或另一个 Kubernetes 清单，然后重新导入全部文件
