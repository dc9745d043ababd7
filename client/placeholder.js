// Shows whom a join link is for, decoded from the token's payload (display only; the server verifies it).
const token = new URLSearchParams(location.search).get('token');
if (token) {
  try {
    const claims = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    const roles = {
      chair: 'Chủ trì',
      cochair: 'Đồng chủ trì',
      point: 'Điểm cầu',
      technician: 'Kỹ thuật viên',
      observer: 'Quan sát viên',
    };
    const who = document.getElementById('who');
    who.hidden = false;
    who.textContent = `Hội nghị ${claims.mid} — ${roles[claims.role] || claims.role}${claims.pid ? ' ' + claims.pid : ''}`;
  } catch {
    // A malformed link shows nothing; the server will refuse it with a clear error.
  }
}
