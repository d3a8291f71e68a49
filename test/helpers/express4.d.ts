// express4 is npm:express@4, installed beside express 5 so every test runs on both majors.
declare module 'express4' {
  import express from 'express';
  export default express;
}
