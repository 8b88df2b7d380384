#!/usr/bin/python3
"""Reference trajectories for hone's optimizers, schedules and clipping, from PyTorch (float64).

Network nn.Sequential(Linear(4, 5), Tanh(), Linear(5, 3)), CrossEntropyLoss, 8 training rows in
batches of 4 taken in order (no shuffling), 4 dev rows for reduce-on-plateau. For each case it
records the parameters after the first step and at the end (flattened in state_dict order, which
is hone's order: 0.weight, 0.bias, 2.weight, 2.bias) and the learning rate of every epoch.
torch.optim does the updates wherever it has the method; the one textbook form it lacks (the
EWMA momentum v = beta v + (1 - beta) g) is written out by hand, with torch's gradients.

usage: /usr/bin/python3 tests/data/make_optim_fixtures.py > tests/data/optim_fixtures.txt
"""
import math
import torch
import torch.nn as nn

torch.set_default_dtype(torch.float64)
g = torch.Generator().manual_seed(3)
X = torch.randn(8, 4, generator=g)
Y = torch.tensor([0, 1, 2, 1, 0, 2, 2, 1])
DX = torch.randn(4, 4, generator=g)
DY = torch.tensor([1, 0, 2, 2])
torch.manual_seed(4)
base = nn.Sequential(nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 3))
INIT = [p.detach().clone() for p in base.parameters()]
lossf = nn.CrossEntropyLoss()


def flat(net):
    return [v for p in net.parameters() for v in p.detach().reshape(-1).tolist()]


def run(config, make_opt, make_sched=None, epochs=4, batch=4, ewma_beta=None, clip_norm=0, clip_value=0,
        per_step=False, plateau=False):
    net = nn.Sequential(nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 3))
    with torch.no_grad():
        for p, q in zip(net.parameters(), INIT):
            p.copy_(q)
    opt = make_opt(net.parameters())
    sched = make_sched(opt) if make_sched else None
    vel = [torch.zeros_like(p) for p in net.parameters()]
    step1, lrs, step = None, [], 0
    for epoch in range(epochs):
        lrs.append(opt.param_groups[0]['lr'])
        for i in range(0, len(X), batch):
            opt.zero_grad()
            loss = lossf(net(X[i:i + batch]), Y[i:i + batch])
            loss.backward()
            if clip_norm:
                torch.nn.utils.clip_grad_norm_(net.parameters(), clip_norm)
            if clip_value:
                torch.nn.utils.clip_grad_value_(net.parameters(), clip_value)
            if ewma_beta is not None:  # v = beta v + (1 - beta) g; w -= lr v
                with torch.no_grad():
                    for p, v in zip(net.parameters(), vel):
                        v.mul_(ewma_beta).add_(p.grad, alpha=1 - ewma_beta)
                        p.sub_(opt.param_groups[0]['lr'] * v)
            else:
                opt.step()
            step += 1
            if step == 1:
                step1 = flat(net)
            if sched and per_step:
                sched.step()
        if sched and not per_step:
            if plateau:
                with torch.no_grad():
                    sched.step(lossf(net(DX), DY).item())
            else:
                sched.step()
    print('case', config.split()[0])
    print('config', ' '.join(config.split()[1:]) + f' epochs={epochs} batch={batch}')
    print('step1', ' '.join('%.17g' % v for v in step1))
    print('final', ' '.join('%.17g' % v for v in flat(net)))
    print('lrs', ' '.join('%.17g' % v for v in lrs))
    print('end')


O = torch.optim
S = O.lr_scheduler
print('x', ' '.join('%.17g' % v for v in X.reshape(-1).tolist()))
print('y', ' '.join(str(v) for v in Y.tolist()))
print('dev_x', ' '.join('%.17g' % v for v in DX.reshape(-1).tolist()))
print('dev_y', ' '.join(str(v) for v in DY.tolist()))
print('init', ' '.join('%.17g' % v for p in INIT for v in p.reshape(-1).tolist()))

sgd = lambda lr: (lambda ps: O.SGD(ps, lr=lr))
run('sgd optimizer=sgd lr=0.1', sgd(0.1))
run('momentum_ewma optimizer=momentum momentum_form=ewma beta1=0.9 lr=0.1', sgd(0.1), ewma_beta=0.9)
run('momentum_classical optimizer=momentum momentum_form=classical beta1=0.9 lr=0.1',
    lambda ps: O.SGD(ps, lr=0.1, momentum=0.9))
run('nesterov optimizer=nesterov beta1=0.9 lr=0.1', lambda ps: O.SGD(ps, lr=0.1, momentum=0.9, nesterov=True))
run('rmsprop optimizer=rmsprop beta2=0.9 eps=1e-08 lr=0.01', lambda ps: O.RMSprop(ps, lr=0.01, alpha=0.9, eps=1e-8))
run('adam optimizer=adam beta1=0.9 beta2=0.999 eps=1e-08 lr=0.01', lambda ps: O.Adam(ps, lr=0.01))
run('adam_betas optimizer=adam beta1=0.8 beta2=0.99 eps=1e-06 lr=0.05',
    lambda ps: O.Adam(ps, lr=0.05, betas=(0.8, 0.99), eps=1e-6))
run('adamw optimizer=adamw beta1=0.9 beta2=0.999 eps=1e-08 weight_decay=0.1 lr=0.01',
    lambda ps: O.AdamW(ps, lr=0.01, weight_decay=0.1))
run('inverse_time optimizer=sgd lr=0.1 schedule=inverse_time decay_rate=0.5', sgd(0.1),
    lambda o: S.LambdaLR(o, lambda e: 1 / (1 + 0.5 * e)))
run('exponential optimizer=sgd lr=0.1 schedule=exponential decay_rate=0.7', sgd(0.1), lambda o: S.ExponentialLR(o, 0.7))
run('exponential_per_step optimizer=sgd lr=0.1 schedule=exponential decay_rate=0.9 per_step=1', sgd(0.1),
    lambda o: S.ExponentialLR(o, 0.9), per_step=True)
run('inverse_sqrt optimizer=sgd lr=0.1 schedule=inverse_sqrt decay_rate=1', sgd(0.1),
    lambda o: S.LambdaLR(o, lambda e: 1 / math.sqrt(e + 1)))
run('step optimizer=sgd lr=0.1 schedule=step decay_rate=0.5 step_size=2', sgd(0.1), lambda o: S.StepLR(o, 2, 0.5))
run('cosine optimizer=sgd lr=0.1 schedule=cosine', sgd(0.1), lambda o: S.CosineAnnealingLR(o, T_max=4))
run('cosine_min optimizer=adam lr=0.01 schedule=cosine min_lr=0.001', lambda ps: O.Adam(ps, lr=0.01),
    lambda o: S.CosineAnnealingLR(o, T_max=4, eta_min=0.001))
# linear warm-up over 2 epochs (lr0 (e + 1) / 2), then cosine over the other 2
run('cosine_warmup optimizer=sgd lr=0.1 schedule=cosine warmup=2', sgd(0.1),
    lambda o: S.LambdaLR(o, lambda e: (e + 1) / 2 if e < 2 else (1 + math.cos(math.pi * (e - 2) / 2)) / 2))
run('plateau optimizer=sgd lr=0.5 schedule=plateau factor=0.5 patience=0', sgd(0.5),
    lambda o: S.ReduceLROnPlateau(o, factor=0.5, patience=0), epochs=6, plateau=True)
run('clip_norm optimizer=sgd lr=0.1 clip_norm=0.05', sgd(0.1), clip_norm=0.05)
run('clip_value optimizer=sgd lr=0.1 clip_value=0.02', sgd(0.1), clip_value=0.02)
