// The built-in answers in Chinese (names.mjs says what each one is for). Written for this
// project, not translated sentence by sentence from the English ones: each says the same
// kind of thing the way a Chinese answer would. Code is shared (snippets.mjs); invisible
// characters are escapes (characters.mjs).
import { EMOJI, RTL_MARKS, INVISIBLES } from './characters.mjs';
import { BASH, CPP, DIFF, JSON_CONFIG, PYTHON, RUST, SQL, TYPESCRIPT } from './snippets.mjs';

const F = '```';

export const markdown = `# 在家泡好一壶乌龙茶

泡茶看起来讲究很多,其实关键只有三件事:**水温**、**茶量**和**出汤时间**。下面按顺序说明,赶时间的话可以直接跳到[出汤时间](#出汤时间)。

## 准备

### 茶和水

- 乌龙茶 7 克左右(大约盖住盖碗底部)
  - 球形的铁观音展开慢,可以多放 1 克
  - 条索形的岩茶比较蓬松,*按重量*称,不要按体积
- 纯净水或软水,**不要**用反复烧开的水
- 水温 95 °C 以上,刚沸腾即可

### 器具

1. 盖碗一只(110 毫升左右)
2. 公道杯,用来让每杯浓度一致
3. 品茗杯若干,以及:
   1. 茶漏,挡住碎叶
   2. 茶巾,随时擦干台面,还要注意
      - 茶巾只擦器具外侧
      - 每次用完晾干,避免异味
4. 电子秤,精确到 0.1 克更好

> **提示:** 第一次泡某种茶时,先按说明书的量来,喝过之后再按自己的口味增减。

## 流程一览

| 步骤 | 时间 | 要点 |
| --- | --- | --- |
| 温杯 | 10 秒 | 用热水把所有器具烫一遍 |
| 醒茶 | 5 秒 | 注水后立刻倒掉,唤醒茶叶 |
| 第一泡 | 15 秒 | 香气最高的一泡 |
| 第二至五泡 | 每次加 5 秒 | 滋味最饱满 |
| 之后 | 每次加 10–20 秒 | 直到茶味变淡 |

## 分步说明

### 温杯和醒茶

先用沸水把盖碗、公道杯和品茗杯都烫一遍,这样茶汤不会一入杯就降温。然后投茶,注水没过茶叶,**马上**倒掉,这一步叫\`醒茶\`,也有人叫\`洗茶\`。

### 出汤时间

出汤时间决定了浓淡,而且每一泡都不一样:

- 前三泡:10 到 20 秒
- 第四到六泡:25 到 40 秒
- 再往后:按口感逐步延长,一分钟以上也很正常

> 好茶经得起泡。
>
> > 嵌套引用:老茶客常说"茶叶会告诉你它什么时候泡好了",意思是多闻香气,少盯着表。

#### 注水的手法

沿着盖碗边缘注水,水流细而稳,避免直接冲在茶叶上。注满后盖上盖子,留一条缝出汤。

- [x] 温杯
- [x] 醒茶
- [ ] 第一泡
- [ ] 第二泡

### 收尾

喝完后把叶底倒在白瓷盘里看看:叶片舒展、边缘有红边的,是做工好的乌龙茶。

${F}text
第一泡  15 秒  香气
第二泡  20 秒  滋味
第三泡  25 秒  回甘
${F}

---

## 常见问题

1. **茶汤发苦。** 多半是出汤太慢或者茶放多了,下次减少 1 克试试。
2. **香气不足。** 水温不够,或者温杯这一步省略了。
3. **几泡就没味。** 茶叶本身耐泡度不高,或者前几泡时间太长,把滋味一次泡尽了。

延伸阅读:关于乌龙茶的制作工艺,可以参考 <https://zh.wikipedia.org/wiki/乌龙茶>,也可以去[茶友论坛](https://example.com/tea "一个讨论茶的社区")和大家交流。

祝你喝到好茶!~~速溶茶包~~以后可能就不想喝了。
`;

export const code = `下面用几种语言实现同一个小功能:令牌桶限流器。之后是保存限额的数据表、配置文件和运行命令。

## Python

${PYTHON}

## TypeScript

${TYPESCRIPT}

## Rust

${RUST}

## C++

${CPP}

## 保存限额

${SQL}

服务读取的配置:

${JSON_CONFIG}

## 运行

${BASH}

接入请求处理函数的改动:

${DIFF}

代码块里如果要出现三个反引号,可以用更长的围栏,或者改用波浪线:

~~~markdown
用 ${F}js 开始一段 JavaScript 代码,短名字用 \`行内代码\`。
~~~

缩进四个空格的段落也算代码块,只是没有语言标记:

    $ make test
    全部 42 个测试通过

行内代码里包含反引号时要用两个反引号包起来:\`\` 这里有个 \`反引号\` \`\`。像 \`TokenBucket.allow()\`、\`std::min\` 和 \`Instant::now()\` 这样的名字也是行内代码。
`;

export const table = `结果如下,用了几种渲染器容易出错的表格写法。

## 对齐方式

| 模型 | 上下文(token) | 每百万输入价格 | 是否输出思考过程 |
| :--- | ---: | ---: | :---: |
| 小而快 | 16,384 | ¥1.00 | 否 |
| 中等 | 128,000 | ¥18.00 | 是 |
| 大型推理 | 200,000 | ¥108.00 | 是 |
| 本地 7B | 8,192 | 免费 | 否 |

## 单元格里的标记

| 选项 | 类型 | 默认值 | 说明 |
|------|------|--------|------|
| \`delayMs\` | \`number\` | \`500\` | 两个片段之间的间隔,单位**毫秒** |
| \`split\` | \`string\` | \`'whitespace'\` | 可选 \`'whitespace'\`、\`'chars'\`、\`'graphemes'\` |
| \`signal\` | \`AbortSignal\` | *无* | 中止后流立即结束 |
| \`fault\` | \`object\` | | 见[故障注入](#故障注入);左边是空单元格 |
| \`pattern\` | \`RegExp\` | \`/a\\|b/\` | 转义的竖线 \\| 留在单元格内 |

## 很宽的表格

| 序号 | 名称 | 地区 | 一月 | 二月 | 三月 | 四月 | 五月 | 六月 | 七月 | 八月 | 九月 | 十月 | 十一月 | 十二月 | 合计 |
|------|------|------|------|------|------|------|------|------|------|------|------|------|--------|--------|------|
| 1 | 北区仓库 | 华北 | 120 | 98 | 143 | 150 | 162 | 171 | 180 | 176 | 158 | 149 | 131 | 127 | 1,765 |
| 2 | 南区仓库 | 华南 | 88 | 91 | 104 | 117 | 139 | 166 | 190 | 201 | 170 | 133 | 97 | 90 | 1,586 |
| 3 | 港口保税物流中心第三号临时周转仓库(名字特别长,应该自动换行) | 华东 | 301 | 287 | 310 | 298 | 305 | 322 | 319 | 331 | 340 | 352 | 360 | 371 | 3,896 |

## 多种文字和表情

| 语言 | 问候 | 书写方向 | 心情 |
|------|------|----------|------|
| 中文 | 你好 | 从左到右 | 😄 |
| English | Hello | left to right | 🙂 |
| العربية | مرحبا | 从右到左 | 👋🏽 |
| 日本語 | こんにちは | 从左到右(也可竖排) | 🍵 |

## 没有首尾竖线的表格

指标 | 优化前 | 优化后 | 变化
--- | --- | --- | ---
p50 延迟 | 180 毫秒 | 95 毫秒 | −47%
p99 延迟 | 1.4 秒 | 410 毫秒 | −71%
每小时错误数 | 12 | 0.5 | −96%

只有一列的表格也是合法的:

| 上线检查 |
| -------- |
| 备份已验证 |
| 告警已配置 |
`;

export const math = String.raw`下面推导复利公式,再顺便看几个相关的结论。

## 行内公式

本金为 $P$,年利率为 $r$,每年复利 $n$ 次,$t$ 年后的本息和是 $A = P\left(1 + \frac{r}{n}\right)^{nt}$。当 $n \to \infty$ 时,它变成 \(A = Pe^{rt}\),因为 $\lim_{n\to\infty}(1 + 1/n)^n = e \approx 2.71828$。

美元符号不一定是公式:这本书 $5,那张海报 $10,一共 $15。

## 独立公式

定义 $e$ 的极限:

$$
e = \lim_{n \to \infty} \left(1 + \frac{1}{n}\right)^{n} = \sum_{k=0}^{\infty} \frac{1}{k!}
$$

高斯积分,用另一种写法:

\[
\int_{-\infty}^{\infty} e^{-x^2} \, dx = \sqrt{\pi}
\]

## 对齐的推导

解 $P(1 + r)^t = 2P$,求本金翻倍所需的时间:

$$
\begin{aligned}
(1 + r)^t &= 2 \\
t \ln(1 + r) &= \ln 2 \\
t &= \frac{\ln 2}{\ln(1 + r)} \approx \frac{0.693}{r}
\end{aligned}
$$

所以年利率 $r = 7\%$ 时,大约 $t \approx 0.693 / 0.07 \approx 9.9$ 年翻倍,这就是"70 法则"。

## 矩阵与分段函数

旋转 $\theta$ 角的矩阵:

$$
R(\theta) = \begin{pmatrix} \cos\theta & -\sin\theta \\ \sin\theta & \cos\theta \end{pmatrix},
\qquad \det R(\theta) = \cos^2\theta + \sin^2\theta = 1
$$

绝对值的分段定义:

$$
|x| = \begin{cases} x & \text{当 } x \ge 0, \\ -x & \text{其他情况。} \end{cases}
$$

## 概率

$k$ 个人中至少两人同一天生日的概率是
$$p(k) = 1 - \prod_{i=0}^{k-1} \frac{365 - i}{365},$$
当 $k = 23$ 时超过 $\tfrac{1}{2}$。对正态分布,$\Pr(|X - \mu| < 2\sigma) \approx 95.45\%$;贝叶斯公式写作 $P(A \mid B) = \dfrac{P(B \mid A)\,P(A)}{P(B)}$。

一行里的希腊字母和运算符:$\alpha + \beta = \gamma$,$\nabla \cdot \mathbf{E} = \rho / \varepsilon_0$,$\forall \epsilon > 0\ \exists \delta > 0$,以及 $\mathbb{R}^n \subseteq \mathbb{C}^n$。
`;

export const emoji = `由多个码位组成的表情符号,最容易让渲染器和分词程序出错。${EMOJI.wave}

## 家庭和人物(零宽连接符序列)

- 一家四口:${EMOJI.family}(四个人由零宽连接符连在一起)
- 带肤色的程序员:${EMOJI.womanTechMedium}
- 两个不同肤色的人手拉手:${EMOJI.holdingHandsMixed}
- 情侣和爱心:${EMOJI.coupleHeart}
- 医护人员:${EMOJI.healthWorker}

## 肤色

挥手,从浅到深:${EMOJI.waveTones}

点赞:${EMOJI.thumbsTones}

## 旗帜

国旗由两个区域指示符组成:${EMOJI.flags}

标签序列组成地区旗帜:苏格兰 ${EMOJI.scotland},威尔士 ${EMOJI.wales}。

用零宽连接符组合的旗帜:${EMOJI.rainbowFlag} ${EMOJI.pirateFlag} ${EMOJI.transFlag}

单独一个区域指示符只是半面旗,也应该显示出来:${EMOJI.loneIndicator}

## 变体选择符和键帽

- 文本样式和表情样式:${EMOJI.heartText} 对比 ${EMOJI.heartEmoji},${EMOJI.checkText} 对比 ${EMOJI.checkEmoji}
- 键帽:${EMOJI.keycaps}
- 较新的序列:${EMOJI.newer}

## 夹在正文里

新版本周五上线了${EMOJI.rocket},值班手机一整晚都很安静${EMOJI.sleeping}。感谢整个团队${EMOJI.clapTone},特别是各位代码评审${EMOJI.eyes}${EMOJI.check}。周末一起去吃饺子${EMOJI.dumpling}、喝茶${EMOJI.tea},顺便看灯会${EMOJI.lantern}。

| 表情 | 含义 |
|------|------|
| ${EMOJI.thumbsUp} | 没问题 |
| ${EMOJI.eyes} | 正在看 |
| ${EMOJI.party} | 已上线 |
| ${EMOJI.family} | 全组 |

${EMOJI.rocket}${EMOJI.rocket}${EMOJI.rocket} 行首和行尾都是表情${EMOJI.sparkles}
`;

export const rtl = `从右到左的文字和从左到右的文字混排,考验的是双向文本算法。下面每一行都故意混用了两种方向。

## 阿拉伯语

مرحبا! هذا مثال على نص عربي يتدفق من اليمين إلى اليسار.

افتح الملف config.json ثم غيّر قيمة timeout إلى 30 ثانية.

1. الخطوة الأولى: ثبّت الحزمة باستخدام npm install
2. الخطوة الثانية: شغّل الخادم
3. الخطوة الثالثة: افتح المتصفح على http://localhost:8080

阿拉伯-印度数字:٠١٢٣٤٥٦٧٨٩,同一个数两种写法:2025 = ٢٠٢٥。

## 希伯来语

שלום! זו דוגמה לטקסט בעברית.

הפקודה npm install מתקינה את כל התלויות.

> ציטוט: "הקוד הטוב ביותר הוא קוד שלא צריך לכתוב."

## 夹在中文句子里

阿拉伯语的"كتاب"和希伯来语的"ספר"都是"书"的意思。

用户${RTL_MARKS.isolate('محمد')}发了 3 条消息,用户${RTL_MARKS.isolate('דנה')}发了 5 条。(名字用双向隔离符包起来了。)

在从右到左的文字里,括号会镜像显示:(مثال)、[דוגמה]、{نص}。

阿拉伯语中夹着代码:استخدم \`fetch()\` لإرسال الطلب.

| 中文 | العربية | עברית |
|------|---------|-------|
| 你好 | مرحبا | שלום |
| 书 | كتاب | ספר |
| 第 2 版 | الإصدار 2 | גרסה 2 |
`;

export const reasoningThoughts = `用户在问事件管道该用消息队列还是日志。先想清楚两者到底差在哪里。

队列(比如 RabbitMQ、SQS)把每条消息交给一个消费者,确认之后就删掉。日志(Kafka、Redpanda,或者一张带偏移量的 Postgres 表)会保留消息,每个消费者自己记录读到了哪里。

从描述看,他们的约束是:两个下游服务都需要同一批事件;其中一个部署时会停一个小时;修完 bug 之后还想"重跑上周的数据"。能不能重放是关键:用队列的话,重放意味着还得另外存一份;用日志,只要把偏移量拨回去。

反过来说,日志的运维成本更高。他们说每分钟只有几百个事件,量很小,直接拿已有的 Postgres 当日志可能就够了。

结论:用日志,而且先用现有的数据库。回答里给一个对比表,再说明什么情况下队列更合适,免得听起来太片面。`;

export const reasoningText = `**简短的回答:用日志。** 两个消费者要读同一批事件,又想重放上周的数据,这两点都指向同一个选择。

| | 队列 | 日志 |
|---|---|---|
| 谁能收到消息 | 一个消费者 | 每个消费者,各按自己的进度 |
| 确认之后 | 消息被删除 | 保留到过期为止 |
| 重放 | 需要另建归档 | 把消费者的偏移量拨回去 |
| 运维成本 | 低 | 较高(除非复用现有数据库) |

每分钟几百个事件,不需要引入新系统:一张 \`id\` 递增的 \`events\` 表,加上每个消费者一行 \`consumer_offsets\`,用现有的 Postgres 就能重放。

如果每个事件都是只该由一个工作进程处理一次的*任务*,处理完就没人再需要,那队列更合适。`;

export const toolCallText = '我来查一下北京未来三天的天气,再看看周六去上海的高铁。';

export const toolCalls = [
  { id: 'call_weather_01', name: 'get_weather', arguments: { city: '北京', country: 'CN', unit: 'celsius', days: 3 } },
  {
    id: 'call_trains_02',
    name: 'search_trains',
    arguments: {
      from: '北京南',
      to: '上海虹桥',
      date: '2025-05-10',
      departAfter: '08:00',
      passengers: [{ type: 'adult', age: 34 }, { type: 'child', age: 6 }],
      options: { firstClass: false, seatType: '二等座', note: '座位尽量挨着,"静音车厢"优先' },
    },
  },
];

export const truncated = `下面是一个稳定的归并排序(相等的元素保持原来的先后顺序),后面逐行解释。

${F}python
def merge_sort(items):
    """返回排好序的新列表;相等的元素保持原有顺序。"""
    if len(items) <= 1:
        return list(items)
    middle = len(items) // 2
    left = merge_sort(items[:middle])
    right = merge_sort(items[middle:])
    return merge(left, right)


def merge(left, right):
    result = []
    i = j = 0
    while i < len(left) and j < len(right):
        if left[i] <= right[j]:
            result.append(left[i])
            i += 1
        else:
            result.append(right[j])
            j += 1
    result.extend(left[i:])
    result.extend(right[j:])
    return result


if __name__ == "__main__":
    sample = [5, 3, 8, 3, 1, 9, 2]
    print(merge_sort(sample))  # [1, 2, 3, 3, 5, 8, 9]

# 逐行解释:比较时用的是 <= 而不是 <,所以两个元素相等时,左半边的那个先放进结果,
# 这正是排序稳定的原`;

export const escape = `下面这些内容,聊天界面必须原样显示成文字,既不能执行,也不能吞掉。

## 必须转义的 HTML

脚本标签:<script>alert("这里应该显示成文字")<\/script>

带事件处理的图片:<img src="x" onerror="alert(1)">

javascript: 链接:[点我](javascript:alert(1))

写出来的实体:&amp; &lt;div&gt; &copy; &#x1F600;,以及"研发&测试"里单独的 & 符号。

<details><summary>原始 HTML 块</summary>有的渲染器会显示成折叠块,有的会显示标签本身。</details>

## 看起来像标记的 Markdown

- 转义的星号还是星号:\\*不是斜体\\*,以及 2 \\* 3 \\* 4 = 24
- 下划线命名不是强调:my_variable_name 和 __dunder__ 方法
- 带下划线和括号的网址:https://zh.wikipedia.org/wiki/括号_(消歧义)
- 行尾的反斜杠\\
  表示强制换行;行尾两个空格也一样  
  就像这样。
- 表格之外的竖线:甲 | 乙 | 丙
- 尖括号包着的词:<不是标签> 和 <br> 以及 a < b > c

## 看不见的字符和组合字符

- 词中间的零宽空格:超${INVISIBLES.zwsp}长${INVISIBLES.zwsp}单${INVISIBLES.zwsp}词
- 零宽连接符和零宽非连接符:a${INVISIBLES.zwj}b a${INVISIBLES.zwnj}b
- 软连字符:extra${INVISIBLES.shy}ordinary(只在断行处才显示连字符)
- 数字和单位之间的不换行空格:100${INVISIBLES.nbsp}公里
- 叠在字母上的组合符号:${INVISIBLES.zalgo}
- 分解形式和预组合形式:${INVISIBLES.decomposed} 与 ${INVISIBLES.precomposed}(看起来一样)
- 行分隔符:${INVISIBLES.lineSeparator}和段分隔符:${INVISIBLES.paragraphSeparator}拼进 JavaScript 的 JSON 会因它们出错。
- 制表符:${'\t'}夹在词中间,还有一个字节顺序标记:${INVISIBLES.bom}在这里。

## 没有闭合的引号和括号

"只有开头的引号,(还有括号,[方括号,以及**永远不结束的粗体
`;
