import type { Actor } from '../domain/core/model.js';
import type { Words } from './words.js';

/** The audit trail's words for roles, turns, roll calls, link health, alerts, exports and links, in both languages. */

export const ROLE_WORDS: Record<Actor['role'], Words> = {
  chair: ['Chủ trì', 'Chair'],
  cochair: ['Đồng chủ trì', 'Co-chair'],
  technician: ['Kỹ thuật viên', 'Technician'],
  observer: ['Theo dõi', 'Observer'],
  secretary: ['Thư ký', 'Secretary'],
  admin: ['Quản trị', 'Administrator'],
  point: ['Điểm cầu', 'Bridge point'],
  system: ['Hệ thống', 'System'],
};

export const FLOOR_KIND: Record<string, Words> = {
  speech: ['phát biểu', 'speech'],
  petition: ['kiến nghị', 'petition'],
  explanation: ['giải trình', 'explanation'],
};

export const FLOOR_END: Record<string, Words> = {
  revoked: ['chủ trì dừng', 'stopped by the chair'],
  limit: ['hết thời gian', 'time limit reached'],
  released: ['tự kết thúc', 'finished by the speaker'],
  next: ['chuyển người tiếp theo', 'next speaker called'],
  meeting_ended: ['hội nghị kết thúc', 'meeting ended'],
};

export const ROLL_CALL_END: Record<string, Words> = {
  chair: ['chủ trì kết thúc', 'closed by the chair'],
  window: ['hết thời gian nhận xác nhận', 'confirmation window over'],
  meeting_ended: ['hội nghị kết thúc', 'meeting ended'],
};

export const HEALTH: Record<string, Words> = {
  stable: ['ổn định', 'stable'],
  unstable: ['chập chờn', 'unstable'],
  disconnected: ['mất tín hiệu', 'no signal'],
};

export const ALERT: Record<string, Words> = {
  speaker_degraded: ['điểm đang phát biểu có đường truyền kém', 'speaker has a poor link'],
  next_degraded: ['điểm phát biểu tiếp theo có đường truyền kém', 'next speaker has a poor link'],
  unit_unstable: ['nhiều điểm cầu của đơn vị chập chờn', 'many points of a unit unstable'],
  point_silent: ['điểm cầu không gửi số liệu', 'point sends no statistics'],
  point_lost: ['điểm cầu mất kết nối, chưa vào lại', 'point lost and not back'],
  recording_stopped: ['ghi hình bị dừng', 'recording stopped'],
};

export const EXPORTED: Record<string, Words> = {
  attendance_exported: ['Xuất danh sách tham dự', 'Attendance exported'],
  audit_exported: ['Xuất nhật ký thao tác', 'Audit trail exported'],
  minutes_exported: ['Xuất biên bản', 'Minutes exported'],
  recording_downloaded: ['Tải bản ghi hình', 'Recording downloaded'],
  token_issued: ['Cấp đường dẫn tham dự', 'Join link issued'],
  link_issued: ['Cấp lời mời kết nối liên thông', 'Linked-hub invitation issued'],
  link_refused: ['Từ chối yêu cầu qua kết nối liên thông', 'Link request refused'],
  sip_refused: ['Từ chối cuộc gọi từ thiết bị hội nghị (SIP)', 'Room system call refused (SIP)'],
  sip_call: ['Cuộc gọi thiết bị hội nghị (SIP)', 'Room system call (SIP)'],
  tokens_issued: ['Cấp đường dẫn cho các điểm cầu', 'Point links issued'],
  token_revoked: ['Thu hồi đường dẫn tham dự', 'Join link revoked'],
};

export const UPLINK_STATE: Record<'connecting' | 'linked' | 'lost', Words> = {
  connecting: ['đang kết nối', 'connecting'],
  linked: ['đã kết nối', 'linked'],
  lost: ['mất kết nối', 'lost'],
};
