export { chineseDate, docNumberText } from './gongwen.js';
export { noticeDocument } from './notice.js';
export { reportDocument } from './report.js';
export { urgeDocument } from './urge.js';
export type * from './views.js';
