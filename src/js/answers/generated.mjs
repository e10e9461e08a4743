// The built-in answers too big to store: 'long' (a 20,000-word essay) and 'long-line' (one
// line of tens of thousands of characters), made by a seeded generator of plausible
// sentences about how a city's infrastructure is kept running. The same seed gives the same
// text on every call, every machine and every engine: only integer arithmetic (mulberry32)
// and string joins, and the stopping rule counts what the generator itself wrote, never a
// locale-dependent word breaker.

/** mulberry32: a small, fast PRNG whose whole state is one 32-bit integer. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function chooser(next) {
  const pick = (list) => list[Math.floor(next() * list.length)];
  const between = (low, high) => low + Math.floor(next() * (high - low + 1));
  return { pick, between };
}

const lowerFirst = (text) => text[0].toLowerCase() + text.slice(1);

// ---- English ----------------------------------------------------------------------------

const EN = {
  subjects: ['The water utility', 'A well-run transit agency', 'The night shift at the pumping station',
    'Every neighbourhood substation', "The city's planning office", 'A small team of inspectors',
    "The public library's network", 'The traffic control centre', 'An old sewer main',
    'The regional grid operator', 'A modern treatment plant', 'The maintenance crew', 'Each bus depot',
    'The parks department', 'The emergency dispatch room', 'A careful engineer', 'The budget committee',
    'The harbour authority'],
  verbs: ['keeps track of', 'quietly depends on', 'spends most of its effort on', 'learned the hard way about',
    'publishes a yearly report on', 'plans years ahead for', 'measures', 'rarely talks about', 'has to balance',
    'was redesigned around', 'shares data about', 'budgets carefully for', 'argues every spring about',
    'keeps a paper copy of'],
  objects: ['the pressure in thousands of pipes', 'peak demand on hot afternoons', 'the age of its oldest assets',
    'what happens when a storm arrives at rush hour', 'the cost of doing nothing',
    'spare parts that nobody makes any more', 'the timing of every traffic light', 'the slow drift of the river bed',
    'a backlog of small repairs', 'how people actually move at night', 'the next twenty years of growth',
    'the difference between a warning and an alarm', 'the few valves that nobody dares to close',
    'complaints that arrive before the sensors notice anything'],
  clauses: ['because a failure at the wrong moment costs far more than the repair',
    'while most residents never notice the work at all', 'since the records from the sixties are incomplete',
    'although the original drawings were lost decades ago',
    'so that a single broken part never stops the whole system', 'even when the forecast turns out to be wrong',
    'until a better sensor becomes affordable', 'which is why the same questions come up at every budget meeting',
    'and the lesson has to be relearned by every new hire'],
  openers: ['In practice,', 'Over the last decade,', 'On a typical weekday,', 'During the winter,', 'Surprisingly,',
    'As a rule,', 'For most of the year,', 'In older districts,', 'After the flood that spring,', 'Behind the scenes,'],
  roles: ['inspector', 'planner', 'operator', 'technician', 'historian', 'engineer'],
  things: ['the pipes under the old town', 'the calls on a stormy night', 'the buses in the fleet',
    'the repairs logged last year', 'the streetlights on the ring road'],
  predicates: ['are older than the people who maintain them', 'turn out to be false alarms',
    'run on timetables written decades ago', 'could have been prevented by cheaper checks',
    'were replaced in the last five years'],
  observations: ['Nobody notices infrastructure until it stops.',
    'The numbers are small on any given day and enormous over a decade.',
    'A spreadsheet kept by one person is still a single point of failure.',
    'Most emergencies are ordinary problems that arrived at the same time.',
    'Maintenance never makes the news, which is exactly the point.',
    'Every shortcut taken in a crisis becomes next year\'s standard practice.',
    'The best alarm is the one that rings rarely and is always right.',
    'Old systems are not fragile; they are simply full of undocumented knowledge.'],
  titles: ['Water under pressure', 'The grid at dusk', 'Timetables and reality', 'Maps that disagree',
    'Budgets and the long view', 'When the storm comes', 'Night work', 'Old pipes, new sensors', 'Counting things',
    'What the public sees', 'Spare parts', 'Drills and rehearsals', 'Records and memory', 'The cost of waiting'],
  keywords: ['Inspect', 'Measure', 'Record', 'Replace', 'Explain', 'Rehearse', 'Budget', 'Share'],
};

function englishSentence({ pick, between }) {
  switch (between(0, 9)) {
    case 0: return `${pick(EN.openers)} ${lowerFirst(pick(EN.subjects))} ${pick(EN.verbs)} ${pick(EN.objects)}.`;
    case 1: return `${pick(EN.subjects)} ${pick(EN.verbs)} ${pick(EN.objects)}, ${pick(EN.clauses)}.`;
    case 2: return `${pick(EN.openers)} ${lowerFirst(pick(EN.subjects))} ${pick(EN.verbs)} ${pick(EN.objects)} ${pick(EN.clauses)}.`;
    case 3: return pick(EN.observations);
    case 4: return `What matters most is ${pick(EN.objects)}, not ${pick(EN.objects)}.`;
    case 5: return `${pick(EN.subjects)} ${pick(EN.verbs)} ${pick(EN.objects)}; ${lowerFirst(pick(EN.subjects))} ${pick(EN.verbs)} ${pick(EN.objects)}.`;
    case 6: return `Why does ${lowerFirst(pick(EN.subjects))} care so much about ${pick(EN.objects)}?`;
    case 7: return `According to one long-serving ${pick(EN.roles)}, ${lowerFirst(pick(EN.subjects))} ${pick(EN.verbs)} ${pick(EN.objects)}.`;
    case 8: return `Roughly ${between(2, 9)}${between(0, 9)} percent of ${pick(EN.things)} ${pick(EN.predicates)}.`;
    default: return `${pick(EN.subjects)} ${pick(EN.verbs)} ${pick(EN.objects)}.`;
  }
}

// ---- Chinese ----------------------------------------------------------------------------

const ZH = {
  subjects: ['自来水公司', '公交集团', '泵站的夜班', '每一座变电站', '城市规划局', '一支小小的巡检队', '图书馆的网络',
    '交通指挥中心', '一段老旧的污水管', '区域电网调度', '新建的水厂', '维修班组', '每个公交场站', '园林部门',
    '应急调度大厅', '一位细心的工程师', '预算委员会', '港务局'],
  verbs: ['一直在跟踪', '默默依赖着', '每年都会公布', '提前多年规划', '反复测量', '很少公开谈论', '不得不权衡',
    '和兄弟单位共享', '仔细核算', '重新评估了', '长期监测', '专门研究过'],
  objects: ['成千上万条管道里的压力', '炎热午后的用电高峰', '最老那批设备的年龄', '暴雨赶上晚高峰时会发生什么',
    '什么都不做的代价', '早已停产的备件', '每一个红绿灯的配时', '河床缓慢的变化', '积压下来的小修小补',
    '人们夜里真实的出行方式', '未来二十年的人口增长', '预警和警报之间的区别', '那几个谁都不敢关的阀门',
    '比传感器还早到的投诉电话'],
  clauses: ['因为在错误的时刻出故障,代价远比维修高', '而大多数居民根本没注意到这些工作',
    '因为上世纪六十年代的档案并不完整', '尽管最初的图纸几十年前就丢了', '这样任何一个零件坏了都不会让整个系统停下',
    '即使天气预报最后并不准', '直到更好的传感器变得便宜', '所以每次预算会上都会出现同样的问题',
    '而每个新来的同事都得重新学一遍'],
  openers: ['实际上,', '过去十年里,', '在普通的工作日,', '到了冬天,', '出人意料的是,', '一般来说,',
    '一年中的大部分时间,', '在老城区,', '那年春天的洪水之后,', '在看不见的地方,'],
  roles: ['巡检员', '规划师', '调度员', '技术员', '工程师', '档案管理员'],
  things: ['老城区地下的管道', '暴雨夜里的报警电话', '车队里的公交车', '去年登记的维修', '环路上的路灯'],
  predicates: ['比维护它们的人年纪还大', '最后证明是误报', '还在按几十年前的时刻表运行', '本可以用更便宜的检查避免',
    '是最近五年才换的'],
  observations: ['基础设施只有在停摆的时候才会被人注意到。', '每天的数字都很小,十年加起来却很惊人。',
    '只有一个人维护的表格,本身就是单点故障。', '大多数紧急情况,不过是几件普通的问题碰巧同时发生。',
    '维护工作从来上不了新闻,而这恰恰说明它做得好。', '危急时刻走过的每一条捷径,第二年都会变成标准做法。',
    '最好的警报很少响,一响就一定是真的。', '老系统并不脆弱,只是装满了没写进文档的经验。'],
  titles: ['管道里的压力', '黄昏时的电网', '时刻表与现实', '互相矛盾的地图', '预算和长远打算', '暴雨来临时', '夜班',
    '旧管道,新传感器', '数清楚家底', '公众看得见的部分', '备件', '演练', '档案与记忆', '等待的代价'],
  keywords: ['巡检', '测量', '记录', '更换', '解释', '演练', '预算', '共享'],
};

function chineseSentence({ pick, between }) {
  switch (between(0, 9)) {
    case 0: return `${pick(ZH.openers)}${pick(ZH.subjects)}${pick(ZH.verbs)}${pick(ZH.objects)}。`;
    case 1: return `${pick(ZH.subjects)}${pick(ZH.verbs)}${pick(ZH.objects)},${pick(ZH.clauses)}。`;
    case 2: return `为什么${pick(ZH.subjects)}这么在意${pick(ZH.objects)}?`;
    case 3: return pick(ZH.observations);
    case 4: return `最重要的是${pick(ZH.objects)},而不是${pick(ZH.objects)}。`;
    case 5: return `${pick(ZH.subjects)}${pick(ZH.verbs)}${pick(ZH.objects)};${pick(ZH.subjects)}则${pick(ZH.verbs)}${pick(ZH.objects)}。`;
    case 6: return `一位在这行干了很多年的${pick(ZH.roles)}说,${pick(ZH.subjects)}${pick(ZH.verbs)}${pick(ZH.objects)}。`;
    case 7: return `大约${between(2, 9)}${between(0, 9)}%的${pick(ZH.things)}${pick(ZH.predicates)}。`;
    case 8: return `${pick(ZH.openers)}${pick(ZH.subjects)}${pick(ZH.verbs)}${pick(ZH.objects)},${pick(ZH.clauses)}。`;
    default: return `${pick(ZH.subjects)}${pick(ZH.verbs)}${pick(ZH.objects)}。`;
  }
}

// ---- The essay --------------------------------------------------------------------------

const LANGS = {
  en: {
    pools: EN,
    sentence: englishSentence,
    join: ' ',
    title: '# The quiet machinery of a city',
    intro: 'What follows is a long tour of the work that keeps water, power and transport running, written to be read in pieces.',
    part: (n, title) => `## Part ${n}: ${title}`,
    listIntro: 'A checklist the crews keep coming back to:',
    quoteIntro: 'As one of them put it:',
    // Words as a reader counts them: whitespace-separated runs with a letter or digit.
    measure: (text) => text.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length,
    target: 20_600,
  },
  zh: {
    pools: ZH,
    sentence: chineseSentence,
    join: '',
    title: '# 城市里看不见的机器',
    intro: '下面是一次很长的巡礼,讲的是让水、电和交通正常运转的那些工作,适合分几次读完。',
    part: (n, title) => `## 第 ${n} 部分:${title}`,
    listIntro: '班组们反复回头看的一份清单:',
    quoteIntro: '用其中一位的话说:',
    // Han characters written: a Chinese word is one to four of them, two on average, so
    // 50,000 characters are well over 20,000 words by any word breaker.
    measure: (text) => (text.match(/\p{Script=Han}/gu) ?? []).length,
    target: 50_000,
  },
};

function essay(lang, seed) {
  const spec = LANGS[lang];
  const choose = chooser(random(seed));
  const { pick, between } = choose;
  const blocks = [spec.title, spec.intro];
  let amount = spec.measure(spec.intro);
  const add = (block) => {
    blocks.push(block);
    amount += spec.measure(block);
  };
  for (let part = 1; amount < spec.target; part++) {
    blocks.push(spec.part(part, pick(spec.pools.titles)));
    const paragraphs = between(3, 6);
    for (let p = 0; p < paragraphs && amount < spec.target; p++) {
      const sentences = Array.from({ length: between(3, 7) }, () => spec.sentence(choose));
      add(sentences.join(spec.join));
      if (p === 1 && part % 3 === 0) {
        blocks.push(spec.listIntro);
        const items = Array.from({ length: between(3, 5) }, (_, i) =>
          `${part % 2 === 0 ? `${i + 1}.` : '-'} **${pick(spec.pools.keywords)}:** ${spec.sentence(choose)}`);
        add(items.join('\n'));
      } else if (p === 2 && part % 4 === 1) {
        blocks.push(spec.quoteIntro);
        add(`> ${pick(spec.pools.observations)}`);
      }
    }
  }
  return `${blocks.join('\n\n')}\n`;
}

function longLine(lang, seed) {
  const spec = LANGS[lang];
  const choose = chooser(random(seed));
  const { pick, between } = choose;
  // One paragraph with no line break at all (for Chinese, no space either: every break
  // opportunity comes from the line breaker's rules for CJK).
  const sentences = [];
  let length = 0;
  while (length < 12_000) {
    const sentence = spec.sentence(choose);
    sentences.push(sentence);
    length += sentence.length + spec.join.length;
  }
  // A minified JSON line, as a tool result or a config dump comes.
  const records = [];
  for (let id = 1; JSON.stringify(records).length < 4_000; id++) {
    records.push({ id, name: pick(spec.pools.subjects), tags: [pick(spec.pools.keywords), pick(spec.pools.keywords)], score: between(0, 1000) / 10 });
  }
  // Tokens with no break opportunity: a long URL and a base64-like blob.
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let url = 'https://example.com/search?q=streaming';
  for (let i = 0; url.length < 2_000; i++) url += `&k${i}=${between(0, 0xffffff).toString(16)}`;
  let blob = '';
  while (blob.length < 1_500) blob += alphabet[between(0, 63)];
  const intro = lang === 'zh'
    ? '下面是一整段没有换行的文字,然后是一行压缩过的 JSON、一个很长的网址和一段不能断开的编码:'
    : 'Below is one paragraph with no line break, then a minified JSON line, a very long URL and an unbreakable encoded blob:';
  return `${intro}\n\n${sentences.join(spec.join)}\n\n\`\`\`json\n${JSON.stringify(records)}\n\`\`\`\n\n${url}\n\n${blob}\n`;
}

// Generated once per language and kept: the text is immutable, and 20,000 words take a few
// milliseconds to make.
const cache = new Map();

function cached(key, make) {
  if (!cache.has(key)) cache.set(key, make());
  return cache.get(key);
}

/** The 'long' answer's text in `lang` ('en' or 'zh'). */
export function longText(lang) {
  return cached(`long-${lang}`, () => essay(lang, lang === 'zh' ? 0x7a68 : 0x656e));
}

/** The 'long-line' answer's text in `lang`. */
export function longLineText(lang) {
  return cached(`line-${lang}`, () => longLine(lang, lang === 'zh' ? 0x6c7a : 0x6c65));
}
