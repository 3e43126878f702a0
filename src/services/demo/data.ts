import type { Category, Source, Timeliness } from '../../domain/problem.js';

/**
 * The demo data set (docs/domain.md: the seed case): the six evaluated units with the seed's problem
 * counts (市卫健局 15, 市教育局 11, 市人社局 9, 市科经局 7, 市民政局 7, 市残联 5 = 54), 20 more
 * departments and the 20 towns and zones of data/units.md with fewer than 5 each (135), 189 in
 * all. Titles combine the typical problems of each category with the unit's own field, places
 * and local industries; the seed's quantified outcomes are progress outcomes of their problems.
 */
export interface DemoItem {
  /** Title. */
  t: string;
  c: Category;
  q: Timeliness;
  s?: Source;
  /** Cooperating units, by short name. */
  co?: string[];
  /** A quantified outcome the unit reported (problem_events kind 'progress', data.outcome). */
  out?: string;
}

export interface DemoUnit {
  name: string;
  shortName: string | null;
  aliases?: string[];
  items: DemoItem[];
}

const Z = '政务服务环境' as const;
const Y = '要素保障' as const;
const B = '部门执法' as const;
const F = '法治环境' as const;
const Dx = '政策兑现' as const;
const W = '作风建设' as const;
const L = '立行立改' as const;
const C = '长期整改' as const;

/** The evaluated units (评议对象), in the order of the supervision groups that follow them. */
export const EVALUATED: DemoUnit[] = [
  {
    name: '市卫生健康局',
    shortName: '市卫健局',
    items: [
      { t: '医疗机构执业登记审批材料多、跑腿多', c: Z, q: L, s: '走访' },
      { t: '民营诊所设置审批超承诺时限', c: Z, q: L, s: '座谈会' },
      { t: '乡镇卫生院全科医生短缺，人才留不住', c: Y, q: C, s: '走访', co: ['市人社局'] },
      { t: '偏远山区村卫生室设备老化、基本药物配备不全', c: Y, q: C, s: '代表建议' },
      { t: '对民营医院多头检查、重复检查', c: B, q: L, s: '座谈会' },
      { t: '公共场所卫生许可处罚标准不统一', c: B, q: L, s: '走访' },
      { t: '首违不罚清单在卫生监督执法中落实不到位', c: B, q: L, s: '暗访' },
      { t: '医疗纠纷调解周期长，医患双方诉累', c: F, q: C, s: '走访', co: ['市司法局'] },
      { t: '基层医务人员待遇提升政策落实不到位', c: Dx, q: C, s: '座谈会', co: ['市财政局'] },
      { t: '社会办医扶持政策知晓率低', c: Dx, q: L, s: '线上匿名' },
      { t: '市人民医院挂号收费窗口服务态度生硬', c: W, q: L, s: '暗访' },
      { t: '企业职工职业健康检查预约难、回应不及时', c: W, q: L, s: '线上匿名' },
      { t: '医疗机构电子证照线上办理系统不稳定', c: Z, q: C, s: '代表建议', co: ['市政数局'] },
      { t: '工业园区企业职业病防治技术服务不足', c: Y, q: C, s: '走访' },
      { t: '卫生监督投诉处理推诿扯皮', c: W, q: L, s: '座谈会' },
    ],
  },
  {
    name: '市教育局',
    shortName: null,
    items: [
      {
        t: '偏远薄弱学校教室、宿舍楼墙面脱落发霉，房屋漏水',
        c: Y,
        q: C,
        s: '走访',
        co: ['市财政局'],
        out: '筹资3155万元，对7所偏远薄弱学校教室、宿舍楼进行维修和应急改造',
      },
      { t: '市一中迁建项目推进缓慢', c: Y, q: C, s: '代表建议', co: ['市自规局', '市住建局'] },
      { t: '汉江科技学校改扩建项目进度滞后', c: Y, q: C, s: '座谈会', co: ['市发改局'] },
      { t: '民办学校办学许可审批材料重复提交', c: Z, q: L, s: '走访' },
      { t: '校企合作实训补贴兑现迟缓', c: Dx, q: L, s: '座谈会', co: ['市财政局'] },
      {
        t: '乡村学校图书仪器设备陈旧不足',
        c: Y,
        q: C,
        s: '走访',
        out: '预算安排1300万元，集中采购一批图书仪器和设备',
      },
      { t: '学校收费咨询电话回应不及时', c: W, q: L, s: '线上匿名' },
      { t: '市政府教育督导室未恢复设置，督导职能弱化', c: Z, q: C, s: '代表建议' },
      { t: '青少年心理辅导资源不足，缺少专业机构', c: Y, q: C, s: '走访' },
      { t: '校外培训机构检查标准不统一', c: B, q: L, s: '暗访' },
      { t: '企业职工子女入学政策解释推诿扯皮', c: W, q: L, s: '座谈会' },
    ],
  },
  {
    name: '市人力资源和社会保障局',
    shortName: '市人社局',
    items: [
      { t: '工业园区企业用工招聘难，技术工人短缺', c: Y, q: C, s: '座谈会' },
      { t: '社保业务线上办理系统不稳定', c: Z, q: L, s: '走访', co: ['市政数局'] },
      { t: '稳岗返还资金兑现迟缓', c: Dx, q: L, s: '走访' },
      { t: '农民工工资拖欠投诉处理周期长', c: F, q: C, s: '代表建议', co: ['市住建局'] },
      { t: '职称评审申报材料重复提交', c: Z, q: L, s: '座谈会' },
      { t: '就业创业补贴政策知晓率低', c: Dx, q: C, s: '座谈会' },
      { t: '人社服务大厅窗口服务态度生硬', c: W, q: L, s: '暗访' },
      { t: '劳动保障监察对同一企业重复检查', c: B, q: L, s: '走访' },
      { t: '技能人才培训与企业用工需求脱节', c: Y, q: C, s: '走访' },
    ],
  },
  {
    name: '市科学技术和经济信息化局',
    shortName: '市科经局',
    aliases: ['市科技经信局'],
    items: [
      {
        t: '中小企业融资难、融资贵',
        c: Y,
        q: C,
        s: '座谈会',
        co: ['市财政局'],
        out: '搭建银企对接平台，促成3家银行与12家企业签订贷款协议，解决融资2.3亿元',
      },
      {
        t: '经济倍增和新进规工业企业奖补资金兑现迟缓',
        c: Dx,
        q: L,
        s: '走访',
        out: '兑现31家经济倍增工业企业、17家进规工业企业及33个技改入库项目奖补资金1537.5万元',
      },
      { t: '技改项目奖补资金未及时到位', c: Dx, q: C, s: '走访', co: ['市财政局'] },
      {
        t: '高耗能企业用电成本高',
        c: Y,
        q: L,
        s: '座谈会',
        co: ['市供电公司'],
        out: '协调供电部门为6家高耗能企业落实电价优惠政策，降低用电成本15%',
      },
      {
        t: '专精特新企业培育扶持政策落实不到位',
        c: Dx,
        q: C,
        s: '代表建议',
        out: '推动2家企业申报省级专精特新“小巨人”，争取政策扶持资金80万元',
      },
      { t: '工业投资项目备案办理时限超承诺', c: Z, q: L, s: '走访' },
      { t: '企业反映的诉求回应不及时', c: W, q: L, s: '线上匿名' },
    ],
  },
  {
    name: '市民政局',
    shortName: null,
    items: [
      {
        t: '农村福利院消防设施不达标，存在安全隐患',
        c: Y,
        q: C,
        s: '走访',
        out: '统筹专项资金215万元，对14家农村福利院实施消防改造',
      },
      {
        t: '丁家营镇、官山镇等农村福利院设施陈旧',
        c: Y,
        q: C,
        s: '代表建议',
        out: '筹措470余万元，对丁家营镇、官山镇等6家农村福利院提档升级',
      },
      {
        t: '殡葬服务违规收取遗体搬运费',
        c: B,
        q: L,
        s: '线上匿名',
        out: '清退违规收取的丧户遗体搬运费7.06万元',
      },
      { t: '社会组织登记审批材料重复提交', c: Z, q: L, s: '走访' },
      { t: '养老服务机构运营补贴兑现迟缓', c: Dx, q: C, s: '座谈会', co: ['市财政局'] },
      { t: '婚姻登记窗口服务态度生硬', c: W, q: L, s: '暗访' },
      { t: '困难群众临时救助政策知晓率低', c: Dx, q: L, s: '走访' },
    ],
  },
  {
    name: '市残疾人联合会',
    shortName: '市残联',
    items: [
      { t: '农村残疾人办证难、跑腿多', c: Z, q: L, s: '代表建议', out: '累计为907名农村残疾人办理残疾人证' },
      { t: '重度残疾人评残需往返城区', c: Z, q: C, s: '走访', out: '为81名重度残疾人入户评残' },
      {
        t: '行动不便残疾人辅具适配不及时',
        c: Y,
        q: L,
        s: '走访',
        out: '为行动不便、视力障碍等特殊群体上门适配发放轮椅、拐杖等辅具40余件',
      },
      { t: '残疾人就业补贴兑现迟缓', c: Dx, q: C, s: '座谈会', co: ['市人社局'] },
      { t: '残疾人诉求回应不及时', c: W, q: L, s: '线上匿名' },
    ],
  },
];

/** Other departments (data/units.md), 65 problems: five with 4, fifteen with 3. */
export const DEPARTMENTS: DemoUnit[] = [
  {
    name: '市发展和改革局',
    shortName: '市发改局',
    items: [
      { t: '重点项目前期手续办理慢', c: Y, q: C },
      { t: '投资项目在线审批平台操作繁琐', c: Z, q: L, co: ['市政数局'] },
      { t: '服务业发展引导资金兑现迟缓', c: Dx, q: C },
    ],
  },
  {
    name: '市优化营商环境工作领导小组办公室',
    shortName: '市营商办',
    items: [
      { t: '营商环境投诉举报渠道不畅', c: Z, q: L },
      { t: '企业诉求转办后跟踪回应不及时', c: W, q: L },
      { t: '惠企政策汇编更新不及时、知晓率低', c: Dx, q: C },
    ],
  },
  {
    name: '市公安局',
    shortName: null,
    items: [
      { t: '企业印章刻制备案办理时限长', c: Z, q: L },
      { t: '工业园区周边货车通行管控标准不统一', c: B, q: L, co: ['市交通局'] },
      { t: '涉企经济犯罪案件办理周期长', c: F, q: C },
    ],
  },
  {
    name: '市司法局',
    shortName: null,
    items: [
      { t: '企业合同纠纷调解周期长', c: F, q: C },
      { t: '中小企业公共法律服务覆盖不足', c: F, q: L },
      { t: '行政执法“三项制度”落实不到位', c: B, q: C },
    ],
  },
  {
    name: '市财政局',
    shortName: null,
    items: [
      { t: '政府采购合同款项支付迟缓', c: Dx, q: L },
      { t: '财政奖补资金拨付流程长', c: Dx, q: C },
      { t: '政府性融资担保覆盖面窄', c: Y, q: C, co: ['市科经局'] },
    ],
  },
  {
    name: '市自然资源和规划局',
    shortName: '市自规局',
    items: [
      { t: '工业用地报批慢，项目落地难', c: Y, q: C },
      { t: '不动产登记办理时限超承诺', c: Z, q: L, co: ['市税务局'] },
      { t: '工业项目规划调整审批周期长', c: Y, q: C },
      { t: '土地执法检查与其他部门重复', c: B, q: L },
    ],
  },
  {
    name: '市住房和城乡建设局',
    shortName: '市住建局',
    items: [
      { t: '施工许可审批材料重复提交', c: Z, q: L },
      { t: '工业园区污水管网建设滞后', c: Y, q: C },
      { t: '建筑工地多头检查、重复检查', c: B, q: L, co: ['市应急局'] },
      { t: '建设工程款拖欠纠纷处理难', c: F, q: C },
    ],
  },
  {
    name: '市交通运输局',
    shortName: '市交通局',
    items: [
      { t: '工业园区物流通道道路破损，影响企业运输', c: Y, q: C },
      { t: '货运车辆超限处罚标准不统一', c: B, q: L, co: ['市公安局'] },
      { t: '道路运输经营许可办理跑腿多', c: Z, q: L },
    ],
  },
  {
    name: '市水利和湖泊局',
    shortName: '市水利局',
    items: [
      { t: '取水许可审批超承诺时限', c: Z, q: L },
      { t: '河道采砂执法标准不统一', c: B, q: L },
      { t: '工业园区防洪排涝设施不完善', c: Y, q: C },
    ],
  },
  {
    name: '市农业农村局',
    shortName: null,
    items: [
      { t: '农业产业化龙头企业奖补未到位', c: Dx, q: C, co: ['市财政局'] },
      { t: '柑橘产业冷链仓储设施不足', c: Y, q: C },
      { t: '农机购置补贴申领手续繁琐', c: Z, q: L },
    ],
  },
  {
    name: '市商务局',
    shortName: null,
    items: [
      { t: '外贸企业出口奖励资金兑现迟缓', c: Dx, q: L },
      { t: '农村电商物流配送成本高', c: Y, q: C, co: ['市交通局'] },
      { t: '促消费政策宣传不到位、知晓率低', c: Dx, q: C },
    ],
  },
  {
    name: '市文化和旅游局',
    shortName: '市文旅局',
    items: [
      { t: '民宿经营许可办理环节多', c: Z, q: L, co: ['市公安局', '市市场监管局'] },
      { t: '景区周边经营户检查标准不统一', c: B, q: L },
      { t: '文旅企业纾困政策落实不到位', c: Dx, q: C },
    ],
  },
  {
    name: '市应急管理局',
    shortName: '市应急局',
    items: [
      { t: '安全生产检查多头检查、重复检查', c: B, q: L },
      { t: '首违不罚在安全生产执法中落实不到位', c: B, q: L },
      { t: '危险化学品经营许可办理时限长', c: Z, q: C },
    ],
  },
  {
    name: '市市场监督管理局',
    shortName: '市市场监管局',
    items: [
      { t: '企业开办材料重复提交', c: Z, q: L, co: ['市政数局', '市税务局'] },
      { t: '小微企业轻微违法处罚标准不统一', c: B, q: L },
      { t: '食品经营许可现场核查重复', c: B, q: L },
      { t: '12345转办投诉处理推诿扯皮', c: W, q: L },
    ],
  },
  {
    name: '市医疗保障局',
    shortName: '市医保局',
    items: [
      { t: '异地就医备案线上办理系统不稳定', c: Z, q: L },
      { t: '定点医药机构医保结算款拨付迟缓', c: Dx, q: C },
      { t: '医保经办窗口服务态度生硬', c: W, q: L },
    ],
  },
  {
    name: '市城市管理执法局',
    shortName: '市城管局',
    items: [
      { t: '沿街商户门前管理处罚标准不统一', c: B, q: L },
      { t: '户外广告设置审批时限长', c: Z, q: L },
      { t: '渣土运输企业诉求回应不及时', c: W, q: L },
    ],
  },
  {
    name: '市政务服务和大数据管理局',
    shortName: '市政数局',
    items: [
      { t: '政务服务网上办理系统不稳定', c: Z, q: L },
      { t: '“一件事一次办”事项材料重复提交', c: Z, q: L },
      { t: '部门数据共享不畅，企业重复填报', c: Z, q: C },
      { t: '政务服务中心窗口午间不能办事', c: W, q: L },
    ],
  },
  {
    name: '市税务局',
    shortName: null,
    items: [
      { t: '电子税务局申报高峰期系统卡顿', c: Z, q: L },
      { t: '增值税留抵退税办理周期长', c: Dx, q: L },
      { t: '小微企业税费优惠政策知晓率低', c: Dx, q: C },
    ],
  },
  {
    name: '市住房公积金管理中心',
    shortName: '市公积金中心',
    items: [
      { t: '企业缴存登记材料重复提交', c: Z, q: L },
      { t: '灵活就业人员缴存政策宣传不到位', c: Dx, q: C },
      { t: '公积金提取咨询回应不及时', c: W, q: L },
    ],
  },
  {
    name: '市供电公司',
    shortName: null,
    items: [
      { t: '工业园区用电报装接电时间长', c: Y, q: L },
      { t: '乡镇企业供电线路老化、供电不稳定', c: Y, q: C },
      { t: '企业用电成本高，电价政策解释不清', c: Y, q: L, co: ['市科经局'] },
      { t: '计划停电通知不及时', c: W, q: L },
    ],
  },
];

/** The towns, sub-districts and zones of data/units.md, with local industries for titles. */
export const TOWNS: { name: string; industries: [string, string] }[] = [
  { name: '均州路街道', industries: ['商贸', '餐饮'] },
  { name: '大坝街道', industries: ['物流', '建材'] },
  { name: '丹赵路街道', industries: ['汽车零部件', '电子商务'] },
  { name: '三官殿街道', industries: ['食品加工', '建材'] },
  { name: '土关垭镇', industries: ['汽车零部件', '精细化工'] },
  { name: '浪河镇', industries: ['柑橘种植', '中药材'] },
  { name: '丁家营镇', industries: ['农产品加工', '汽车零部件'] },
  { name: '六里坪镇', industries: ['汽车零部件', '铸造'] },
  { name: '盐池河镇', industries: ['茶叶', '生态旅游'] },
  { name: '凉水河镇', industries: ['水产养殖', '柑橘种植'] },
  { name: '官山镇', industries: ['茶叶', '民宿'] },
  { name: '石鼓镇', industries: ['柑橘种植', '电子商务'] },
  { name: '蒿坪镇', industries: ['中药材', '生猪养殖'] },
  { name: '习家店镇', industries: ['柑橘种植', '农产品加工'] },
  { name: '龙山镇', industries: ['茶叶', '建材'] },
  { name: '均县镇', industries: ['柑橘种植', '水产养殖'] },
  { name: '武当山特区', industries: ['文旅', '民宿'] },
  { name: '牛河林区', industries: ['林下经济', '中药材'] },
  { name: '白杨坪林区', industries: ['林下经济', '生态养殖'] },
  { name: '经济开发区', industries: ['汽车零部件', '新材料'] },
];

/** Typical problems of the six categories (data/units.md) placed in a town and an industry: 70 problems. */
export const TOWN_TEMPLATES: {
  c: Category;
  q: Timeliness;
  t: (place: string, industry: string) => string;
  co?: string;
}[] = [
  { c: Y, q: C, t: (p, i) => `${p}${i}企业用工招聘难，缺少技术工人`, co: '市人社局' },
  { c: Y, q: C, t: (p, i) => `${p}${i}项目工业用地报批慢`, co: '市自规局' },
  { c: Z, q: L, t: (p) => `${p}便民服务中心办事材料重复提交`, co: '市政数局' },
  { c: B, q: L, t: (p, i) => `${p}${i}企业反映多头检查、重复检查`, co: '市市场监管局' },
  { c: Dx, q: L, t: (p) => `${p}招商引资承诺的奖补资金兑现迟缓`, co: '市财政局' },
  { c: Dx, q: C, t: (p, i) => `${p}惠企政策宣传不到位，${i}企业知晓率低` },
  { c: W, q: L, t: (p, i) => `${p}干部回应${i}企业诉求不及时` },
  { c: F, q: C, t: (p, i) => `${p}${i}企业合同纠纷调解周期长`, co: '市司法局' },
  { c: Y, q: L, t: (p, i) => `${p}${i}企业用电成本高、线路老化`, co: '市供电公司' },
  { c: Y, q: C, t: (p, i) => `${p}${i}企业融资难、融资贵`, co: '市科经局' },
  { c: W, q: L, t: (p) => `${p}部分站所服务态度生硬、推诿扯皮` },
  { c: Z, q: L, t: (p) => `${p}涉企审批事项超承诺时限办结` },
  { c: Y, q: C, t: (p, i) => `${p}通往${i}基地的道路破损，运输不便`, co: '市交通局' },
  { c: F, q: C, t: (p, i) => `${p}涉企案件执行难，${i}企业欠款难追回` },
];

/** Problems per town: the first ten carry 4, the other ten 3 (70). */
export const townCount = (index: number) => (index < 10 ? 4 : 3);

export const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
export const GIVEN = [
  '伟',
  '芳',
  '敏',
  '静',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '秀兰',
  '霞',
  '平',
  '刚',
  '桂英',
  '建华',
  '文',
  '华',
  '红',
  '志强',
  '晓燕',
  '海燕',
  '国庆',
  '丽',
  '建国',
  '婷',
  '俊',
  '波',
  '鹏',
  '辉',
  '玲',
  '丹',
  '萍',
  '宇',
  '浩',
  '凯',
  '健',
  '琳',
  '雪',
  '颖',
  '倩',
  '斌',
  '亮',
  '鑫',
  '欣然',
  '子涵',
  '思远',
  '雨桐',
  '博文',
  '嘉怡',
  '天佑',
  '梦洁',
  '振华',
  '晓东',
  '春梅',
];
