/** `:help`: the terminal's own commands (lines not starting with `:` go to the bot). */
export const help = (jobNames: string[] = ['reminders', 'digest']) =>
  [
    '不以 : 开头的输入，作为当前人物发给机器人的单聊消息（例如 /帮助、/我是谁、/交办 …）。',
    '  <数字>                点击最近一张卡片上的该按钮（表单按钮会逐项询问字段）',
    '  /我是 <名字|序号>      切换人物（同 :as）',
    '  :as <名字|序号>        切换人物，并显示其未读消息',
    '  :who                  人物列表、当前人物和各自未读数',
    '  :inbox                各人物的未读消息数',
    '  :cards                当前人物收到的卡片；:card <编号> 显示该卡片并把它设为数字点击的对象',
    '  :click <n> [卡片编号]  点击按钮（默认最近一张有按钮的卡片）',
    '  :file <路径> [--no-reply]  发送文件/图片作为佐证材料：默认回复最近一张问题卡片；--no-reply 则单独发送',
    `  :job <${jobNames.join('|')}> [ISO时间]  立即运行一次任务（如提醒、周报）`,
    '  :wait [秒]             等待并显示稍后到达的消息',
    '  :quit                 退出（Ctrl-D 同）',
  ].join('\n');
