// The Express floor: a bare Express 5 app with the receiver's own app settings, answering the postback GET
// with 200. Nothing any Express receiver does can be faster than this on the same machine.
import express from 'express';

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.set('trust proxy', 'loopback');
app.get('/v1/rejections', (_req, res) => {
  res.status(200).json({ status: 'accepted' });
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('listening'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
